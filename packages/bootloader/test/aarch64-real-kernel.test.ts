import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aarch64Layout } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { ImageLoader } from '../src/aarch64/index.js';
import { arm64GuestRam } from './fixtures/aarch64-image.js';

const guestDir = new URL('../../../.cache/guest/aarch64/', import.meta.url);
const kernelPath = fileURLToPath(new URL('vmlinuz', guestDir));
const present = existsSync(kernelPath);
if (!present) {
  console.warn(
    `skipping the real arm64 kernel test: no kernel at ${kernelPath} (fetch the aarch64 guest first)`,
  );
}

describe.skipIf(!present)('a real Debian arm64 kernel', () => {
  it('has a little-endian, 4 KiB page Image header and loads into a 256 MiB VM', () => {
    const kernel = new Uint8Array(readFileSync(kernelPath));
    const loader = new ImageLoader({ kernel, cmdline: 'console=ttyAMA0' });
    expect(loader.header.legacy).toBe(false);
    expect(loader.header.pageSize).toBe(4096);
    expect(loader.header.imageSize).toBeGreaterThanOrEqual(loader.image.length);
    const memory = arm64GuestRam(256 * 0x10_0000);
    const state = loader.load({ memory, ramSize: 256 * 0x10_0000, vcpus: 1 });
    expect(state.entry).toBe(aarch64Layout.RAM_BASE + loader.header.textOffset);
    expect(memory.readUint(state.entry + 56n, 4)).toBe(0x644d_5241);
  });
});
