import { MachineConfigError } from './errors.js';

const UNITS: Readonly<Record<string, number>> = {
  '': 2 ** 20,
  K: 2 ** 10,
  M: 2 ** 20,
  G: 2 ** 30,
  T: 2 ** 40,
};

/**
 * Parses a memory size as QEMU and Firecracker users write it: `512M`, `2G`, `65536K`, `1T`, or a
 * bare number of MiB (`256`). A number argument is taken as bytes. The result is in bytes and
 * must be a whole number of 4 KiB pages.
 */
export function parseMemorySize(size: string | number): number {
  if (typeof size === 'number') return checkPages(size, String(size));
  const match = /^\s*(\d+)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(size);
  if (match === null) {
    throw new MachineConfigError(
      `memory size "${size}" is not understood: write a number with K, M, G or T (e.g. 512M, 2G)`,
    );
  }
  const unit = UNITS[match[2]!.toUpperCase()]!;
  return checkPages(Number(match[1]) * unit, size);
}

function checkPages(bytes: number, written: string): number {
  if (bytes > Number.MAX_SAFE_INTEGER) {
    throw new MachineConfigError(
      `memory size "${written}" is too large: more than any guest can address (8 PiB)`,
    );
  }
  if (!Number.isSafeInteger(bytes) || bytes <= 0 || bytes % 4096 !== 0) {
    throw new MachineConfigError(`memory size "${written}" must be a positive multiple of 4 KiB`);
  }
  return bytes;
}
