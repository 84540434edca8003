import { describe, expect, it } from 'vitest';
import { CommandLineTooLongError, encodeCommandLine } from '../src/index.js';

describe('encodeCommandLine', () => {
  it('NUL-terminates the UTF-8 bytes', () => {
    expect(encodeCommandLine('ro quiet', 100, 'test')).toEqual(
      new Uint8Array([...new TextEncoder().encode('ro quiet'), 0]),
    );
    expect(encodeCommandLine('', 0, 'test')).toEqual(new Uint8Array([0]));
  });

  it('counts bytes, not characters, against the limit', () => {
    expect(() => encodeCommandLine('é', 1, 'the test limit')).toThrow(CommandLineTooLongError);
    expect(() => encodeCommandLine('é', 1, 'the test limit')).toThrow(
      /2 bytes but the test limit allows at most 1/,
    );
    expect(encodeCommandLine('é', 2, 'test')).toHaveLength(3);
  });
});
