import { BusConflictError } from './errors.js';

/** One entry of a {@link RangeMap}: a half-open range `[start, start + length)` and its value. */
export interface Range<T> {
  /** First address of the range. */
  readonly start: number;
  /** Number of addresses in the range (at least 1). */
  readonly length: number;
  /** What the range maps to. */
  readonly value: T;
  /** A name for error messages and listings. */
  readonly label: string;
}

/**
 * Non-overlapping half-open ranges of integer addresses, looked up by binary search. Addresses
 * are JS numbers: exact up to 2^53, which covers every port and every physical address of
 * today's CPUs (52 bits at most).
 */
export class RangeMap<T> {
  readonly #ranges: Range<T>[] = [];

  /** Adds a range; throws {@link BusConflictError} if it overlaps one already present. */
  insert(start: number, length: number, value: T, label: string): void {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length < 1) {
      throw new RangeError(`invalid range for ${label}: start ${start}, length ${length}`);
    }
    const index = this.#firstEndingAfter(start);
    const next = this.#ranges[index];
    if (next !== undefined && next.start < start + length) {
      throw new BusConflictError(
        `${label} at 0x${start.toString(16)} (+0x${length.toString(16)}) overlaps ${next.label} at 0x${next.start.toString(16)} (+0x${next.length.toString(16)})`,
      );
    }
    this.#ranges.splice(index, 0, { start, length, value, label });
  }

  /** The range containing `address`, if any. */
  find(address: number): Range<T> | undefined {
    const range = this.#ranges[this.#firstEndingAfter(address)];
    return range !== undefined && range.start <= address ? range : undefined;
  }

  /** All ranges, sorted by start address. */
  entries(): readonly Range<T>[] {
    return this.#ranges;
  }

  /** Index of the first range whose end is above `address`. */
  #firstEndingAfter(address: number): number {
    let low = 0;
    let high = this.#ranges.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const range = this.#ranges[middle]!;
      if (range.start + range.length <= address) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
