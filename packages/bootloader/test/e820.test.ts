import { describe, expect, it } from 'vitest';
import { e820Map, E820Type } from '../src/index.js';
import { GiB, MiB } from './fixtures/guest-ram.js';

describe('e820Map', () => {
  it('maps 512 MiB as conventional memory, the reserved EBDA/ROM hole, and RAM from 1 MiB', () => {
    expect(e820Map(512 * MiB)).toEqual([
      { address: 0n, size: 0x9_fc00, type: E820Type.ram },
      { address: 0x9_fc00n, size: 0x6_0400, type: E820Type.reserved },
      { address: 0x10_0000n, size: 511 * MiB, type: E820Type.ram },
    ]);
  });

  it('splits 5 GiB around the 32-bit MMIO gap', () => {
    expect(e820Map(5 * GiB)).toEqual([
      { address: 0n, size: 0x9_fc00, type: E820Type.ram },
      { address: 0x9_fc00n, size: 0x6_0400, type: E820Type.reserved },
      { address: 0x10_0000n, size: 0xc000_0000 - MiB, type: E820Type.ram },
      { address: 0x1_0000_0000n, size: 2 * GiB, type: E820Type.ram },
    ]);
  });

  it('has no high entry when RAM exactly fills the space below the gap', () => {
    const map = e820Map(3 * GiB);
    expect(map).toHaveLength(3);
    expect(map[2]).toEqual({ address: 0x10_0000n, size: 3 * GiB - MiB, type: E820Type.ram });
  });

  it('reports tiny RAM as one conventional range', () => {
    expect(e820Map(0x8000)).toEqual([{ address: 0n, size: 0x8000, type: E820Type.ram }]);
    expect(e820Map(0)).toEqual([]);
  });

  it('uses the Linux e820 type numbers', () => {
    expect(E820Type.ram).toBe(1);
    expect(E820Type.reserved).toBe(2);
  });
});
