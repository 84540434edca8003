import { x86_64Layout } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import {
  EntryOutsideImageError,
  FlatBinaryLoader,
  ImageOutOfRangeError,
  ImageOverlapError,
} from '../src/index.js';
import { GiB, lowGuestRam, MiB } from './fixtures/guest-ram.js';

/** `mov al, 'A'; out 0xe9, al; hlt` in 16-bit code (and valid 64-bit code too). */
const GUEST = new Uint8Array([0xb0, 0x41, 0xe6, 0xe9, 0xf4]);

describe('FlatBinaryLoader in real mode', () => {
  it('copies the image and starts at its first byte', () => {
    const memory = lowGuestRam(MiB);
    const state = new FlatBinaryLoader({ image: GUEST, loadAddress: 0x1000n, mode: 'real' }).load({
      memory,
      ramSize: MiB,
      vcpus: 1,
    });
    expect(state).toEqual({ mode: 'x86-real', entry: 0x1000n });
    expect(memory.read(0x1000n, GUEST.length)).toEqual(GUEST);
    expect(memory.readU64(x86_64Layout.PML4_START)).toBe(0n);
  });

  it('honours an explicit entry inside the image', () => {
    const loader = new FlatBinaryLoader({
      image: GUEST,
      loadAddress: 0x7c00n,
      mode: 'real',
      entry: 0x7c04n,
    });
    expect(loader.load({ memory: lowGuestRam(MiB), ramSize: MiB, vcpus: 1 }).entry).toBe(0x7c04n);
  });

  it('rejects an image that crosses 1 MiB', () => {
    const construct = () =>
      new FlatBinaryLoader({ image: GUEST, loadAddress: 0xf_fffcn, mode: 'real' });
    expect(construct).toThrow(ImageOutOfRangeError);
    expect(construct).toThrow(/real mode reaches only the first MiB/);
  });

  it('rejects an image outside the VM RAM', () => {
    const loader = new FlatBinaryLoader({ image: GUEST, loadAddress: 0x8000n, mode: 'real' });
    const load = () => loader.load({ memory: lowGuestRam(0x8000), ramSize: 0x8000, vcpus: 1 });
    expect(load).toThrow(ImageOutOfRangeError);
    expect(load).toThrow(/not inside the VM's RAM \(\[0x0, 0x8000\)\)/);
  });

  it('rejects an entry outside the image, and an empty image', () => {
    expect(
      () =>
        new FlatBinaryLoader({ image: GUEST, loadAddress: 0x1000n, mode: 'real', entry: 0x1005n }),
    ).toThrow(EntryOutsideImageError);
    expect(
      () => new FlatBinaryLoader({ image: new Uint8Array(0), loadAddress: 0x1000n, mode: 'real' }),
    ).toThrow(EntryOutsideImageError);
  });
});

describe('FlatBinaryLoader in long mode', () => {
  it('writes the long-mode structures and starts in 64-bit mode', () => {
    const memory = lowGuestRam(4 * MiB);
    const state = new FlatBinaryLoader({
      image: GUEST,
      loadAddress: 0x10_0000n,
      mode: 'long',
    }).load({ memory, ramSize: 4 * MiB, vcpus: 1 });
    expect(state).toEqual({
      mode: 'x86_64-long',
      entry: 0x10_0000n,
      bootParams: 0n,
      pageTables: 0x9000n,
      gdtBase: 0x500n,
      gdtLimit: 31,
      stack: 0x8ff0n,
    });
    expect(memory.read(0x10_0000n, GUEST.length)).toEqual(GUEST);
    expect(memory.readU64(0x9000n)).toBe(0xa003n);
    expect(memory.readU64(0x510n)).toBe(x86_64Layout.BOOT_GDT[2]);
  });

  it('rejects images overlapping the GDT, the stack or the page tables', () => {
    const at = (loadAddress: bigint) => () =>
      new FlatBinaryLoader({ image: GUEST, loadAddress, mode: 'long' });
    expect(at(0x51en)).toThrow(ImageOverlapError);
    expect(at(0x51en)).toThrow(/boot GDT/);
    expect(at(0x8ff0n)).toThrow(/boot stack/);
    expect(at(0xeffen)).toThrow(/boot page tables/);
    expect(at(0x520n)).not.toThrow();
    expect(at(0xf000n)).not.toThrow();
  });

  it('rejects an image beyond the identity map', () => {
    const construct = () =>
      new FlatBinaryLoader({ image: GUEST, loadAddress: 0xffff_fffcn, mode: 'long' });
    expect(construct).toThrow(ImageOutOfRangeError);
    expect(construct).toThrow(/identity map that ends at 0x100000000/);
  });

  it('rejects an image in the MMIO gap', () => {
    const loader = new FlatBinaryLoader({ image: GUEST, loadAddress: 0xd000_0000n, mode: 'long' });
    const load = () => loader.load({ memory: lowGuestRam(MiB), ramSize: 4 * GiB, vcpus: 1 });
    expect(load).toThrow(/\[0x0, 0xc0000000\) and \[0x100000000, 0x140000000\)/);
  });
});
