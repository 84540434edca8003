import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BzImageLoader,
  decodeLz4Block,
  decodeLz4Legacy,
  loadDecompressedKernel,
  lz4KernelPayload,
  nativeLz4BlockDecoder,
  parseElf64,
  parseSetupHeader,
} from '../src/index.js';
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

/** Decoding and loading a 53 MB kernel takes 1-3 s here, more on a busy 2-core CI machine. */
describe.skipIf(!present)('a real Debian x86_64 kernel', { timeout: 60_000 }, () => {
  const kernel = present ? new Uint8Array(readFileSync(kernelPath)) : new Uint8Array();

  it('has a 64-bit capable setup header', () => {
    const header = parseSetupHeader(kernel);
    expect(header.version).toBeGreaterThanOrEqual(0x020c);
    expect(header.xloadflags & 1).toBe(1);
    expect(header.relocatable).toBe(true);
    expect(header.kernelVersion).toMatch(/^\d+\.\d+/);
    expect(header.cmdlineSize).toBeGreaterThanOrEqual(255);
  });

  it('decompresses into a 256 MiB VM and enters the kernel proper, the initramfs above it', () => {
    const memory = lowGuestRam(256 * MiB);
    const initrd = existsSync(initrdPath) ? new Uint8Array(readFileSync(initrdPath)) : undefined;
    const state = new BzImageLoader({
      kernel,
      initrd,
      cmdline: 'console=ttyS0',
      decompression: 'vmm',
    }).load({
      memory,
      ramSize: 256 * MiB,
      vcpus: 1,
    });
    const header = parseSetupHeader(kernel);
    expect(state.entry).toBe(header.prefAddress);
    expect(memory.readUint(0x7202n, 4)).toBe(0x5372_6448);
    const version = `Linux version ${header.kernelVersion!.split(' ')[0]}`;
    expect(Buffer.from(memory.slice(state.entry, 64 * MiB)).includes(version)).toBe(true);
    expect(memory.readUint(0x721cn, 4)).toBe(initrd?.length ?? 0);
  });

  it.skipIf(nativeLz4BlockDecoder() === undefined)(
    'decompresses to the same bytes with liblz4 as in JavaScript',
    () => {
      const payload = lz4KernelPayload(kernel, parseSetupHeader(kernel))!;
      const [byLiblz4, byJavaScript] = [nativeLz4BlockDecoder(), decodeLz4Block].map((decoder) => {
        const memory = lowGuestRam(256 * MiB);
        const result = loadDecompressedKernel(memory, payload, 256 * MiB, { decodeBlock: decoder });
        return { result, bytes: memory.slice(result.start, Number(result.end - result.start)) };
      });
      expect(byLiblz4!.result).toEqual(byJavaScript!.result);
      expect(Buffer.compare(byLiblz4!.bytes, byJavaScript!.bytes)).toBe(0);
    },
  );

  it('leaves guest RAM as the ELF says: its segments, zero-filled, and nothing else', () => {
    const payload = lz4KernelPayload(kernel, parseSetupHeader(kernel))!;
    const file = new Uint8Array(80 * MiB);
    const size = decodeLz4Legacy(payload.subarray(0, payload.length - 4), (block, offset) =>
      file.set(block, offset),
    );
    const { segments } = parseElf64(file.subarray(0, size), size);
    const expected = lowGuestRam(256 * MiB);
    for (const { fileOffset, fileSize, physicalAddress } of segments) {
      expected.write(physicalAddress, file.subarray(fileOffset, fileOffset + fileSize));
    }
    const memory = lowGuestRam(256 * MiB);
    loadDecompressedKernel(memory, payload, 256 * MiB);
    const all = (ram: typeof memory) => ram.slice(0n, 256 * MiB);
    expect(Buffer.compare(all(memory), all(expected))).toBe(0);
  });

  it('relocates the kernel to a random virtual address with its own relocation table', () => {
    const payload = lz4KernelPayload(kernel, parseSetupHeader(kernel))!;
    const memory = lowGuestRam(256 * MiB);
    const result = loadDecompressedKernel(memory, payload, 256 * MiB, { randomize: () => 5 });
    expect(result.virtualDelta).toBe(0xa0_0000n);
    expect(result.relocations).toBeGreaterThan(10_000);
  });

  it("loads for the kernel's own decompressor by default", () => {
    const memory = lowGuestRam(256 * MiB);
    const state = new BzImageLoader({ kernel, cmdline: 'console=ttyS0' }).load({
      memory,
      ramSize: 256 * MiB,
      vcpus: 1,
    });
    expect(state.entry).toBe(0x10_0200n);
    expect(memory.readUint(0x100_0000n, 4)).toBe(0);
  });
});
