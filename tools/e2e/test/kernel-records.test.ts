import { describe, expect, it } from 'vitest';
import { withoutKernelRecords } from '../src/index.js';

const RECORD = '[    6.912345] hrtimer: interrupt took 1234 ns\n';

describe('withoutKernelRecords', () => {
  it('takes out records at line starts and in the middle of a line', () => {
    const text = `${RECORD}cpus-2${RECORD}\n/ # seq${RECORD} 1 2\n`;
    expect(withoutKernelRecords(text).text).toBe('cpus-2\n/ # seq 1 2\n');
  });

  it('keeps a record still arriving, and text that only looks like a stamp', () => {
    const text = 'a [1.5] b\n[  7.000001] unfinish';
    expect(withoutKernelRecords(text).text).toBe(text);
  });

  it('maps offsets back past the records taken out', () => {
    const text = `ab${RECORD}${RECORD}cd${RECORD}`;
    const view = withoutKernelRecords(text);
    expect(view.text).toBe('abcd');
    expect(view.sourceOffset(0)).toBe(0);
    expect(view.sourceOffset(1)).toBe(1);
    expect(view.sourceOffset(2)).toBe(2 + 2 * RECORD.length);
    expect(text[view.sourceOffset(3)]).toBe('d');
    expect(view.sourceOffset(4)).toBe(text.length);
  });

  it('leaves text without records as it is', () => {
    const view = withoutKernelRecords('plain\n');
    expect(view.text).toBe('plain\n');
    expect(view.sourceOffset(6)).toBe(6);
  });
});
