import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/index.js';

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed, and mulberry32 values', () => {
    const first = new SeededRandom(1);
    const second = new SeededRandom(1);
    const values = Array.from({ length: 4 }, () => first.next());
    expect(Array.from({ length: 4 }, () => second.next())).toEqual(values);
    expect(values[0]).toBe(2_693_262_067);
    expect(new SeededRandom(2).next()).not.toBe(values[0]);
  });

  it('keeps below, chance, pick and bytes in range', () => {
    const random = new SeededRandom(0x5eed);
    for (let i = 0; i < 1000; i++) {
      const value = random.below(7);
      expect(Number.isInteger(value) && value >= 0 && value < 7).toBe(true);
    }
    expect(Array.from({ length: 100 }, () => random.chance(0))).not.toContain(true);
    expect(Array.from({ length: 100 }, () => random.chance(1))).not.toContain(false);
    expect(['a', 'b']).toContain(random.pick(['a', 'b']));
    expect(random.bytes(5)).toHaveLength(5);
  });
});
