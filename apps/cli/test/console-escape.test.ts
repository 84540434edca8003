import { describe, expect, it } from 'vitest';
import { ConsoleEscapeFilter } from '../src/index.js';

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('ConsoleEscapeFilter', () => {
  it('forwards ordinary keys untouched', () => {
    const filter = new ConsoleEscapeFilter();
    expect(filter.filter(bytes('ls -l\r\x03'))).toEqual({
      forward: bytes('ls -l\r\x03'),
      commands: [],
    });
  });

  it('quits on Ctrl-A x, even split across chunks', () => {
    const filter = new ConsoleEscapeFilter();
    expect(filter.filter(bytes('a\x01'))).toEqual({ forward: bytes('a'), commands: [] });
    expect(filter.filter(bytes('xb'))).toEqual({ forward: bytes('b'), commands: ['quit'] });
  });

  it('sends one Ctrl-A for Ctrl-A Ctrl-A and shows help for Ctrl-A h', () => {
    const filter = new ConsoleEscapeFilter();
    expect(filter.filter(bytes('\x01\x01\x01h'))).toEqual({
      forward: bytes('\x01'),
      commands: ['help'],
    });
  });
});
