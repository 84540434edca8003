import { describe, expect, it } from 'vitest';
import { NullPioDevice } from '../src/index.js';

describe('NullPioDevice', () => {
  it('reads all-ones at any width and swallows writes', () => {
    const device = new NullPioDevice();
    for (const width of [1, 2, 4]) {
      const data = new Uint8Array(width);
      device.read(0, data);
      expect([...data]).toEqual(new Array(width).fill(0xff));
    }
    device.write(3, Uint8Array.of(0x12, 0x34));
    const data = new Uint8Array(1);
    device.read(3, data);
    expect(data[0]).toBe(0xff);
  });
});
