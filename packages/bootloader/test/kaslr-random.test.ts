import { describe, expect, it } from 'vitest';
import { kaslrRandom } from '../src/x86_64/loader/kaslr-random.js';

describe('kaslrRandom', () => {
  it('draws every slot of a small range, and nothing outside it', () => {
    const seen = new Set<number>();
    for (let draw = 0; draw < 400; draw++) {
      const slot = kaslrRandom(5);
      expect(Number.isInteger(slot)).toBe(true);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(5);
      seen.add(slot);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('has one choice for one slot and spreads over the 512 slots of a 1 GiB KASLR span', () => {
    expect(kaslrRandom(1)).toBe(0);
    const slots = new Set(Array.from({ length: 64 }, () => kaslrRandom(512)));
    for (const slot of slots) expect(slot).toBeLessThan(512);
    expect(slots.size).toBeGreaterThan(32);
  });

  it.each([0, -1, 2.5, Number.NaN, 2 ** 32 + 1])('refuses %s slots', (slots) => {
    expect(() => kaslrRandom(slots)).toThrow(RangeError);
  });
});
