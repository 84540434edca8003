import { expect } from 'vitest';

/** `value` as `0x..` hex, for failure messages. */
function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

/**
 * Assertions about what one guest access did, for fuzz tests that make tens of thousands of
 * them: a passing check costs a comparison, and only a failing one builds its message, which
 * names the access (set with {@link at}) so that the failure can be replayed from its seed.
 */
export class AccessCheck {
  #where: () => string = () => 'before the first access';

  /** Names the access that the checks from now on are about. */
  at(where: () => string): void {
    this.#where = where;
  }

  /** Fails unless `actual` is `expected`; `what` may be a function, called only on failure. */
  equal(actual: number, expected: number, what: string | (() => string)): void {
    if (actual !== expected) {
      const message = `${this.#where()}: ${typeof what === 'string' ? what : what()}`;
      expect(hex(actual), message).toBe(hex(expected));
    }
  }

  /** Fails unless `actual` is one of `allowed`. */
  oneOf(actual: number, allowed: readonly number[], what: string): void {
    if (!allowed.includes(actual)) {
      expect(hex(actual), `${this.#where()}: ${what}`).toBeOneOf(allowed.map(hex));
    }
  }

  /** Fails unless `actual` lies in `[low, high]`. */
  within(actual: number, low: number, high: number, what: string): void {
    if (actual < low || actual > high) {
      expect.fail(`${this.#where()}: ${what} was ${actual}, expected ${low} to ${high}`);
    }
  }
}
