import { describe, expect, it } from 'vitest';
import { FirstAppearances } from '../src/first-appearances.js';

describe('FirstAppearances', () => {
  it('finds a text split across chunks, once, in the chunk that completes it', () => {
    const watch = new FirstAppearances(['VMM-GUEST-INIT-OK', 'Linux version']);
    expect(watch.push('[ 0.0] Linux ver')).toEqual([]);
    expect(watch.push('sion 6.1\r\nVMM-GU')).toEqual(['Linux version']);
    expect(watch.push('EST-INI')).toEqual([]);
    expect(watch.has('VMM-GUEST-INIT-OK')).toBe(false);
    expect(watch.push('T-OK\r\nLinux version VMM-GUEST-INIT-OK')).toEqual(['VMM-GUEST-INIT-OK']);
    expect(watch.has('VMM-GUEST-INIT-OK')).toBe(true);
    expect(watch.push('VMM-GUEST-INIT-OK')).toEqual([]);
  });

  it('reports texts completed by the same chunk in watch order, and ignores empty ones', () => {
    const watch = new FirstAppearances(['b', 'a', '', 'a']);
    expect(watch.push('xab')).toEqual(['b', 'a']);
    expect(watch.has('')).toBe(false);
  });

  it('keeps a single-character watch from matching stale input', () => {
    const watch = new FirstAppearances(['x']);
    expect(watch.push('abc')).toEqual([]);
    expect(watch.push('dex')).toEqual(['x']);
  });
});
