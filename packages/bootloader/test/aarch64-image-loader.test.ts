import { aarch64Layout, GuestMemory } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import {
  CommandLineTooLongError,
  InitrdTooLargeError,
  KernelTooLargeError,
} from '../src/errors.js';
import { ImageLoader, AARCH64_MIN_RAM_SIZE, RamLayoutError } from '../src/aarch64/index.js';
import { arm64GuestRam, arm64Image } from './fixtures/aarch64-image.js';
import { decompile, hasDtc } from './fixtures/dtc.js';

const { RAM_BASE, KERNEL_MAX, DTB_START, DTB_MAX, INITRD_START } = aarch64Layout;
const MiB = 0x10_0000;

describe('the aarch64 layout', () => {
  it('reserves 64 MiB for the kernel, then 2 MiB for the device tree, then the initrd', () => {
    expect(KERNEL_MAX).toBe(64n * BigInt(MiB));
    expect(RAM_BASE + KERNEL_MAX).toBe(DTB_START);
    expect(DTB_MAX).toBe(2n * BigInt(MiB));
    expect(DTB_START + DTB_MAX).toBe(INITRD_START);
    expect(RAM_BASE % 0x20_0000n).toBe(0n);
    expect(DTB_START % 0x20_0000n).toBe(0n);
    expect(AARCH64_MIN_RAM_SIZE).toBe(66 * MiB);
  });
});

describe('ImageLoader', () => {
  const kernel = arm64Image({ length: 0x4000, imageSize: 0x8_0000n });
  const initrd = Uint8Array.from({ length: 0x2345 }, (_, i) => i & 0xff);

  it('places the kernel at RAM_BASE + text_offset, the initrd and the DTB, and says where', () => {
    const memory = arm64GuestRam(128 * MiB);
    const state = new ImageLoader({ kernel, initrd, cmdline: 'console=ttyAMA0' }).load({
      memory,
      ramSize: 128 * MiB,
      vcpus: 1,
    });
    expect(state).toEqual({ mode: 'aarch64', entry: RAM_BASE, deviceTree: DTB_START });
    expect(memory.read(RAM_BASE, kernel.length)).toEqual(kernel);
    expect(memory.read(INITRD_START, initrd.length)).toEqual(initrd);
    expect(memory.readUint(DTB_START, 4)).toBe(0xedfe_0dd0);
  });

  it('honours text_offset, and 0x80000 for a pre-3.17 kernel', () => {
    const memory = arm64GuestRam(96 * MiB);
    const target = { memory, ramSize: 96 * MiB, vcpus: 1 };
    const offset = arm64Image({ textOffset: 0x8_0000n });
    expect(new ImageLoader({ kernel: offset, cmdline: '' }).load(target).entry).toBe(
      RAM_BASE + 0x8_0000n,
    );
    expect(memory.read(RAM_BASE + 0x8_0000n, offset.length)).toEqual(offset);
    const legacy = arm64Image({ imageSize: 0n });
    const loader = new ImageLoader({ kernel: legacy, cmdline: '' });
    expect(loader.header.legacy).toBe(true);
    expect(loader.load(target).entry).toBe(0x4008_0000n);
  });

  it('decompresses a gzip-compressed kernel before loading it', () => {
    const memory = arm64GuestRam(96 * MiB);
    const loader = new ImageLoader({ kernel: gzipSync(kernel), cmdline: '' });
    expect(loader.image).toEqual(kernel);
    loader.load({ memory, ramSize: 96 * MiB, vcpus: 1 });
    expect(memory.read(RAM_BASE, kernel.length)).toEqual(kernel);
  });

  it('rejects a kernel that would reach into the device tree', () => {
    const big = arm64Image({ imageSize: KERNEL_MAX + 1n });
    expect(() => new ImageLoader({ kernel: big, cmdline: '' })).toThrow(KernelTooLargeError);
    const shifted = arm64Image({ textOffset: 0x20_0000n, imageSize: KERNEL_MAX - 0x10_0000n });
    expect(() => new ImageLoader({ kernel: shifted, cmdline: '' })).toThrow(/KERNEL_MAX/);
    const exact = arm64Image({ textOffset: 0x20_0000n, imageSize: KERNEL_MAX - 0x20_0000n });
    expect(new ImageLoader({ kernel: exact, cmdline: '' }).header.textOffset).toBe(0x20_0000n);
  });

  it('rejects a command line longer than the arm64 COMMAND_LINE_SIZE at construction', () => {
    expect(() => new ImageLoader({ kernel, cmdline: 'x'.repeat(2048) })).toThrow(
      CommandLineTooLongError,
    );
    expect(new ImageLoader({ kernel, cmdline: 'x'.repeat(2047) }).header.imageSize).toBe(0x8_0000);
  });

  it('rejects an initrd that runs past the end of RAM, before writing anything', () => {
    const memory = arm64GuestRam(68 * MiB);
    const loader = new ImageLoader({ kernel, initrd: new Uint8Array(2 * MiB + 1), cmdline: '' });
    expect(() => loader.load({ memory, ramSize: 68 * MiB, vcpus: 1 })).toThrow(InitrdTooLargeError);
    expect(memory.readUint(RAM_BASE, 4)).toBe(0);
    const fits = new ImageLoader({ kernel, initrd: new Uint8Array(2 * MiB), cmdline: '' });
    expect(fits.load({ memory, ramSize: 68 * MiB, vcpus: 1 }).deviceTree).toBe(DTB_START);
  });

  it('rejects guest memory that does not match the layout', () => {
    const loader = new ImageLoader({ kernel, cmdline: '' });
    const small = arm64GuestRam(64 * MiB);
    expect(() => loader.load({ memory: small, ramSize: 64 * MiB, vcpus: 1 })).toThrow(
      RamLayoutError,
    );
    const atZero = new GuestMemory([{ guestAddress: 0n, bytes: new Uint8Array(96 * MiB) }]);
    expect(() => loader.load({ memory: atZero, ramSize: 96 * MiB, vcpus: 1 })).toThrow(
      /no region of 96.0 MiB at 0x40000000/,
    );
    const shorter = arm64GuestRam(80 * MiB);
    expect(() => loader.load({ memory: shorter, ramSize: 96 * MiB, vcpus: 1 })).toThrow(
      RamLayoutError,
    );
  });

  it.skipIf(!hasDtc)('writes a device tree dtc reads, with the initrd range it loaded', () => {
    const memory = arm64GuestRam(128 * MiB);
    new ImageLoader({
      kernel,
      initrd,
      cmdline: 'console=ttyAMA0',
      mmioDevices: [{ address: 0x0900_1000n, size: 0x1000n, spi: 2 }],
    }).load({ memory, ramSize: 128 * MiB, vcpus: 4 });
    const totalSize = new DataView(memory.read(DTB_START, 8).buffer).getUint32(4);
    const { dts, stderr } = decompile(memory.read(DTB_START, totalSize));
    expect(stderr).toBe('');
    expect(dts).toContain('reg = <0x00 0x40000000 0x00 0x8000000>;');
    expect(dts).toContain('linux,initrd-start = <0x00 0x44200000>;');
    expect(dts).toContain('linux,initrd-end = <0x00 0x44202345>;');
    expect(dts).toContain('bootargs = "console=ttyAMA0";');
    expect(dts).toContain('0x00 0x30010000 0x00 0x80000>;');
    expect(dts).toContain('virtio_mmio@9001000 {');
  });
});
