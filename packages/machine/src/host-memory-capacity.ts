import { readFileSync } from 'node:fs';
import { platform, totalmem } from 'node:os';
import { MachineConfigError } from './errors.js';

/** How much memory this host can back a guest's RAM with, in bytes. */
export interface HostMemoryCapacity {
  /** Physical memory (`MemTotal`). */
  readonly ram: number;
  /** Swap space (`SwapTotal`). */
  readonly swap: number;
}

/** The `/proc/meminfo` field `name`, in bytes (the file gives kB); 0 when it is missing. */
function meminfoBytes(meminfo: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(meminfo);
  return match === null ? 0 : Number(match[1]) * 1024;
}

/**
 * This host's RAM and swap, from `/proc/meminfo`, on Linux; `undefined` elsewhere (macOS
 * grows its swap as needed, so no fixed amount bounds what it can page out).
 */
export function hostMemoryCapacity(): HostMemoryCapacity | undefined {
  if (platform() !== 'linux') return undefined;
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  return { ram: meminfoBytes(meminfo, 'MemTotal'), swap: meminfoBytes(meminfo, 'SwapTotal') };
}

/** `bytes` in GiB with one decimal, for messages. */
function gibibytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Refuses guest RAM of `ramSize` bytes (written `written` by the user) that this host could
 * never back: more than its RAM and swap together, the bound QEMU's default reservation of
 * guest RAM meets under Linux's default overcommit policy. vmm maps guest RAM unreserved and in
 * slots of at most 4 GiB, so nothing else would stop such a size before the guest ran out of
 * host memory, and a shadow-paging KVM allocates per-page records for every slot as it is
 * registered, enough at 100 TiB to exhaust the host. Sizes within the host's RAM pass at
 * once; `/proc/meminfo` (through `capacity`) is read only for larger ones.
 *
 * @throws {@link MachineConfigError} when the RAM cannot fit.
 */
export function checkGuestRamFitsHost(
  ramSize: number,
  written: string,
  capacity: () => HostMemoryCapacity | undefined = hostMemoryCapacity,
): void {
  if (ramSize <= totalmem()) return;
  const host = capacity();
  if (host === undefined || ramSize <= host.ram + host.swap) return;
  throw new MachineConfigError(
    `memory size "${written}" is more than this host can hold: it has ${gibibytes(host.ram)} ` +
      `of RAM and ${gibibytes(host.swap)} of swap`,
  );
}
