import { describe, expect, it } from 'vitest';
import {
  BzImageLoader,
  decodeLz4Block,
  InvalidKernelError,
  KernelTooLargeError,
  LZ4_LEGACY_BLOCK_SIZE,
  loadDecompressedKernel,
  lz4KernelPayload,
  parseSetupHeader,
} from '../src/index.js';
import { buildBzImage } from '@vmm/test-support';
import { buildElf64, type ElfFixtureOptions, withKernelRelocations } from './fixtures/elf.js';
import { lowGuestRam, MiB } from './fixtures/guest-ram.js';
import { lz4LiteralStream } from './fixtures/lz4.js';

const text = Uint8Array.from({ length: 0x3000 }, (_, i) => (i * 5 + 1) & 0xff);
const data = Uint8Array.from({ length: 0x800 }, (_, i) => (i * 3 + 7) & 0xff);

/** A two-segment "vmlinux": text at 16 MiB, data with a zero-filled tail at 20 MiB. */
const VMLINUX: ElfFixtureOptions = {
  entry: 0x100_0000n,
  segments: [
    { physicalAddress: 0x100_0000n, data: text },
    { physicalAddress: 0x140_0000n, data, memorySize: 0x2000 },
  ],
};

/** A bzImage whose payload is `vmlinux` LZ4-compressed in blocks of `blockSize` bytes. */
function lz4BzImage(
  vmlinux = withKernelRelocations(buildElf64(VMLINUX)),
  blockSize = 0x1000,
): Uint8Array {
  return buildBzImage({ compressedKernel: lz4LiteralStream(vmlinux, blockSize, true) });
}

function payloadOf(kernel: Uint8Array): Uint8Array {
  const payload = lz4KernelPayload(kernel, parseSetupHeader(kernel));
  if (payload === undefined) throw new Error('the fixture has no LZ4 payload');
  return payload;
}

describe('loadDecompressedKernel', () => {
  it('puts each load segment at its physical address and zero-fills its tail', () => {
    const memory = lowGuestRam(64 * MiB, 0xaa);
    const result = loadDecompressedKernel(memory, payloadOf(lz4BzImage()), 64 * MiB);
    expect(result).toEqual({
      entry: 0x100_0000n,
      start: 0x100_0000n,
      end: 0x140_2000n,
      decompressedSize: buildElf64(VMLINUX).length + 12,
      virtualDelta: 0n,
      relocations: 0,
    });
    expect(Buffer.compare(memory.read(0x100_0000n, text.length), text)).toBe(0);
    expect(Buffer.compare(memory.read(0x140_0000n, data.length), data)).toBe(0);
    expect(memory.read(0x140_0800n, 0x1800).every((byte) => byte === 0)).toBe(true);
    expect(memory.readUint(0x100_3000n, 1)).toBe(0xaa);
  });

  it('decodes the blocks that lie inside one segment straight into guest memory', () => {
    const bigText = Uint8Array.from({ length: 17 * MiB }, (_, i) => (i * 13 + (i >>> 20)) & 0xff);
    const vmlinux = withKernelRelocations(
      buildElf64({
        entry: 0x100_0000n,
        segments: [{ physicalAddress: 0x100_0000n, data: bigText }],
      }),
    );
    const kernel = buildBzImage({
      compressedKernel: lz4LiteralStream(vmlinux, LZ4_LEGACY_BLOCK_SIZE, true),
    });
    const memory = lowGuestRam(64 * MiB, 0xaa);
    const guestBuffer = memory.regions[0]!.bytes.buffer;
    const intoGuest: boolean[] = [];
    loadDecompressedKernel(memory, payloadOf(kernel), 64 * MiB, {
      decodeBlock: (input, output) => {
        intoGuest.push(output.buffer === guestBuffer);
        return decodeLz4Block(input, output);
      },
    });
    // Block 0 holds the ELF headers, block 2 runs past the segment into the relocation table.
    expect(intoGuest).toEqual([false, true, false]);
    expect(Buffer.compare(memory.read(0x100_0000n, bigText.length), bigText)).toBe(0);
    expect(memory.readUint(0x100_0000n + BigInt(bigText.length), 1)).toBe(0xaa);
  });

  it("moves the kernel's virtual addresses by a random 2 MiB slot and applies its relocations", () => {
    const patched = text.slice();
    const view = new DataView(patched.buffer);
    view.setBigUint64(0x100, 0xffff_ffff_8100_0abcn, true);
    view.setUint32(0x200, 0x8100_0def, true);
    view.setInt32(0x300, 0x1000, true);
    const vmlinux = withKernelRelocations(
      buildElf64({ ...VMLINUX, segments: [{ physicalAddress: 0x100_0000n, data: patched }] }),
      {
        add64: [0xffff_ffff_8100_0100n],
        subtract32: [0xffff_ffff_8100_0300n],
        add32: [0xffff_ffff_8100_0200n],
      },
    );
    const memory = lowGuestRam(64 * MiB);
    const slots: number[] = [];
    const result = loadDecompressedKernel(memory, payloadOf(lz4BzImage(vmlinux)), 64 * MiB, {
      randomize: (count) => {
        slots.push(count);
        return 3;
      },
    });
    expect(slots).toEqual([Math.floor((0x4000_0000 - 0x100_0000 - 0x3000) / 0x20_0000) + 1]);
    expect(result.virtualDelta).toBe(0x60_0000n);
    expect(result.relocations).toBe(3);
    expect(memory.readU64(0x100_0100n)).toBe(0xffff_ffff_8160_0abcn);
    expect(memory.readUint(0x100_0200n, 4)).toBe(0x8160_0def);
    expect(memory.readUint(0x100_0300n, 4)).toBe((0x1000 - 0x60_0000) >>> 0);
  });

  it('rejects a relocation outside the image', () => {
    const vmlinux = withKernelRelocations(buildElf64(VMLINUX), { add32: [0xffff_ffff_8500_0000n] });
    expect(() =>
      loadDecompressedKernel(lowGuestRam(64 * MiB), payloadOf(lz4BzImage(vmlinux)), 64 * MiB, {
        randomize: () => 1,
      }),
    ).toThrow(/outside its image/);
  });

  it('finds no LZ4 payload in a bzImage without one', () => {
    const kernel = buildBzImage();
    expect(lz4KernelPayload(kernel, parseSetupHeader(kernel))).toBeUndefined();
  });

  it('rejects segments that do not fit in RAM, with the memory it would need', () => {
    const memory = lowGuestRam(16 * MiB);
    expect(() => loadDecompressedKernel(memory, payloadOf(lz4BzImage()), 16 * MiB)).toThrow(
      /at least 21 MiB/,
    );
  });

  it('rejects segments below 1 MiB, where the boot structures are', () => {
    const low = buildElf64({ entry: 0x8000n, segments: [{ physicalAddress: 0x8000n, data }] });
    expect(() =>
      loadDecompressedKernel(lowGuestRam(64 * MiB), payloadOf(lz4BzImage(low)), 64 * MiB),
    ).toThrow(KernelTooLargeError);
  });

  it('rejects an entry point outside the segments, and another machine', () => {
    const memory = lowGuestRam(64 * MiB);
    const astray = buildElf64({ ...VMLINUX, entry: 0x200_0000n });
    expect(() => loadDecompressedKernel(memory, payloadOf(lz4BzImage(astray)), 64 * MiB)).toThrow(
      /entry point 0x2000000/,
    );
    const arm = buildElf64({ ...VMLINUX, machine: 183 });
    expect(() => loadDecompressedKernel(memory, payloadOf(lz4BzImage(arm)), 64 * MiB)).toThrow(
      /not x86-64/,
    );
  });

  it('rejects a payload whose stated size differs from what it decodes to', () => {
    const payload = payloadOf(lz4BzImage()).slice();
    payload[payload.length - 4]! ^= 1;
    expect(() => loadDecompressedKernel(lowGuestRam(64 * MiB), payload, 64 * MiB)).toThrow(
      InvalidKernelError,
    );
  });
});

describe('BzImageLoader with an LZ4 kernel', () => {
  const kernel = lz4BzImage();

  it('sets KASLR_FLAG unless the command line says nokaslr', () => {
    for (const [cmdline, flag] of [
      ['console=ttyS0', 0x02],
      ['console=ttyS0 nokaslr', 0],
    ] as const) {
      const memory = lowGuestRam(64 * MiB);
      new BzImageLoader({ kernel, cmdline, decompression: 'vmm' }).load({
        memory,
        ramSize: 64 * MiB,
        vcpus: 1,
      });
      expect(memory.readUint(0x7211n, 1) & 0x02).toBe(flag);
    }
  });

  it('enters the decompressed kernel at its startup_64 and puts the initrd above it', () => {
    const memory = lowGuestRam(64 * MiB);
    const initrd = new Uint8Array(0x1000).fill(0x42);
    const state = new BzImageLoader({
      kernel,
      initrd,
      cmdline: 'console=ttyS0',
      decompression: 'vmm',
    }).load({
      memory,
      ramSize: 64 * MiB,
      vcpus: 1,
    });
    expect(state.entry).toBe(0x100_0000n);
    expect(Buffer.compare(memory.read(0x100_0000n, text.length), text)).toBe(0);
    expect(memory.readUint(0x7218n, 4)).toBeGreaterThanOrEqual(0x140_2000);
  });

  it("boots through the kernel's own decompressor by default", () => {
    const memory = lowGuestRam(64 * MiB);
    const state = new BzImageLoader({ kernel, cmdline: '' }).load({
      memory,
      ramSize: 64 * MiB,
      vcpus: 1,
    });
    expect(state.entry).toBe(0x10_0200n);
    expect(memory.readUint(0x100_0000n, 4)).toBe(0);
  });
});
