import { describe, expect, it } from 'vitest';
import { BufferedWritesFlush } from '../src/buffered-writes-flush.js';

describe('BufferedWritesFlush', () => {
  it('kicks a vCPU that made no exit since the last look, while its writes are buffered', () => {
    const flush = new BufferedWritesFlush();
    expect(flush.shouldKick(10, true)).toBe(false);
    expect(flush.shouldKick(10, true)).toBe(true);
  });

  it('does not kick a vCPU that keeps exiting (a guest printing polls the UART anyway)', () => {
    const flush = new BufferedWritesFlush();
    expect([5, 9, 14, 20].map((exits) => flush.shouldKick(exits, true))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('kicks an idle vCPU once, then again only after it exits', () => {
    const flush = new BufferedWritesFlush();
    const looks = [3, 3, 3, 3, 4, 4, 4].map((exits) => flush.shouldKick(exits, true));
    expect(looks).toEqual([false, true, false, false, false, true, false]);
  });

  it('never kicks while writes are not buffered', () => {
    const flush = new BufferedWritesFlush();
    expect([1, 1, 1].map((exits) => flush.shouldKick(exits, false))).toEqual([false, false, false]);
  });
});
