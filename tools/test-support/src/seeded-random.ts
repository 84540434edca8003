/**
 * A small seeded pseudo-random generator (mulberry32) for reproducible fuzz tests: the same
 * seed always gives the same sequence, on every platform and Node version.
 */
export class SeededRandom {
  #state: number;

  /** Starts the sequence of `seed` (any 32-bit integer). */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next value, a 32-bit unsigned integer. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in `[0, count)` (`count` at most 2^32; the modulo bias does not matter here). */
  below(count: number): number {
    return this.next() % count;
  }

  /** True with probability `probability`. */
  chance(probability: number): boolean {
    return this.next() < probability * 0x1_0000_0000;
  }

  /** One of `items`, each as likely. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** `count` random bytes. */
  bytes(count: number): Uint8Array {
    const bytes = new Uint8Array(count);
    for (let i = 0; i < count; i++) bytes[i] = this.next() & 0xff;
    return bytes;
  }
}
