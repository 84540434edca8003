import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BzImageLoader, parseSetupHeader } from '../src/index.js';
import { lowGuestRam, MiB } from './fixtures/guest-ram.js';

const guestDir = new URL('../../../.cache/guest/x86_64/', import.meta.url);
const kernelPath = fileURLToPath(new URL('vmlinuz', guestDir));
const initrdPath = fileURLToPath(new URL('initramfs.cpio.gz', guestDir));
const present = existsSync(kernelPath);
if (!present) {
  console.warn(
    `skipping the real-kernel tests: no kernel at ${kernelPath} (fetch the guest first)`,
  );
}

describe.skipIf(!present)('a real Debian x86_64 kernel', () => {
  const kernel = present ? new Uint8Array(readFileSync(kernelPath)) : new Uint8Array();

  it('has a 64-bit capable setup header', () => {
    const header = parseSetupHeader(kernel);
    expect(header.version).toBeGreaterThanOrEqual(0x020c);
    expect(header.xloadflags & 1).toBe(1);
    expect(header.relocatable).toBe(true);
    expect(header.kernelVersion).toMatch(/^\d+\.\d+/);
    expect(header.cmdlineSize).toBeGreaterThanOrEqual(255);
  });

  it('loads into a 256 MiB VM, with the initramfs when there is one', () => {
    const memory = lowGuestRam(256 * MiB);
    const initrd = existsSync(initrdPath) ? new Uint8Array(readFileSync(initrdPath)) : undefined;
    const state = new BzImageLoader({ kernel, initrd, cmdline: 'console=ttyS0' }).load({
      memory,
      ramSize: 256 * MiB,
      vcpus: 1,
    });
    expect(state.entry).toBe(0x10_0200n);
    expect(memory.readUint(0x7202n, 4)).toBe(0x5372_6448);
    const header = parseSetupHeader(kernel);
    const kernelEnd = Number(header.prefAddress) + header.initSize;
    const ramdisk = memory.readUint(0x7218n, 4);
    expect(memory.readUint(0x721cn, 4)).toBe(initrd?.length ?? 0);
    if (initrd !== undefined) expect(ramdisk).toBeGreaterThanOrEqual(kernelEnd);
  });
});
