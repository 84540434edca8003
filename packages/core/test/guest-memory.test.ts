import { describe, expect, it } from 'vitest';
import { GuestMemory, GuestMemoryError } from '../src/index.js';

describe('GuestMemory', () => {
  const low = new Uint8Array(0x1000);
  const high = new Uint8Array(0x1000);
  const memory = new GuestMemory([
    { guestAddress: 0x1_0000_0000n, bytes: high },
    { guestAddress: 0n, bytes: low },
  ]);

  it('reads and writes little-endian values at guest addresses', () => {
    memory.writeUint(0x10n, 4, 0xdeadbeef);
    expect([...low.subarray(0x10, 0x14)]).toEqual([0xef, 0xbe, 0xad, 0xde]);
    expect(memory.readUint(0x10n, 2)).toBe(0xbeef);
    memory.writeU64(0x1_0000_0ff8n, 0x0102_0304_0506_0708n);
    expect(memory.readU64(0x1_0000_0ff8n)).toBe(0x0102_0304_0506_0708n);
    expect(high[0xff8]).toBe(0x08);
  });

  it('hands out views that alias guest RAM', () => {
    memory.slice(0x100n, 4).set([1, 2, 3, 4]);
    expect(memory.read(0x100n, 4)).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  it('rejects accesses outside RAM, across region ends and at negative addresses', () => {
    expect(() => memory.read(0x1000n, 1)).toThrow(GuestMemoryError);
    expect(() => memory.read(0xffcn, 8)).toThrow(/outside guest RAM/);
    expect(() => memory.write(0x1_0000_0fffn, new Uint8Array(2))).toThrow(GuestMemoryError);
    expect(() => memory.read(-1n, 1)).toThrow(GuestMemoryError);
    expect(() => memory.readU64(0xffff_ffff_ffff_fff8n)).toThrow(GuestMemoryError);
    expect(memory.contains(0xfffn, 1)).toBe(true);
    expect(memory.contains(0xfffn, 2)).toBe(false);
  });

  it('refuses overlapping regions', () => {
    expect(
      () =>
        new GuestMemory([
          { guestAddress: 0n, bytes: new Uint8Array(0x2000) },
          { guestAddress: 0x1000n, bytes: new Uint8Array(0x1000) },
        ]),
    ).toThrow(/overlap/);
  });

  it('reports its size', () => {
    expect(memory.size).toBe(0x2000);
    expect(memory.regions[0]!.guestAddress).toBe(0n);
  });
});
