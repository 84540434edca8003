import { describe, expect, it } from 'vitest';
import { MachineConfigError, parseMemorySize } from '../src/index.js';

describe('parseMemorySize', () => {
  it('reads QEMU-style sizes', () => {
    expect(parseMemorySize('512M')).toBe(512 * 2 ** 20);
    expect(parseMemorySize('2G')).toBe(2 * 2 ** 30);
    expect(parseMemorySize('65536K')).toBe(64 * 2 ** 20);
    expect(parseMemorySize('256')).toBe(256 * 2 ** 20);
    expect(parseMemorySize('1GiB')).toBe(2 ** 30);
    expect(parseMemorySize('1t')).toBe(2 ** 40);
    expect(parseMemorySize(1 << 20)).toBe(1 << 20);
  });

  it('rejects what it cannot use, saying why', () => {
    expect(() => parseMemorySize('lots')).toThrow(MachineConfigError);
    expect(() => parseMemorySize('1.5G')).toThrow(/not understood/);
    expect(() => parseMemorySize('0M')).toThrow(/positive multiple of 4 KiB/);
    expect(() => parseMemorySize(1000)).toThrow(/multiple of 4 KiB/);
    expect(() => parseMemorySize('9999999999999G')).toThrow(/too large/);
  });
});
