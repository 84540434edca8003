import { describe, expect, it } from 'vitest';
import { BZIMAGE_FIXTURE_DEFAULTS, buildBzImage, payloadByte } from '../src/index.js';

describe('buildBzImage', () => {
  const setupSize = (BZIMAGE_FIXTURE_DEFAULTS.setupSects + 1) * 512;

  it('writes the boot flag and header magic, then the patterned protected-mode kernel', () => {
    const file = buildBzImage();
    const view = new DataView(file.buffer);
    expect(view.getUint16(0x1fe, true)).toBe(0xaa55);
    expect(view.getUint32(0x202, true)).toBe(0x5372_6448);
    expect(file.length).toBe(setupSize + BZIMAGE_FIXTURE_DEFAULTS.payloadSize);
    expect(file[setupSize + 0x200]).toBe(payloadByte(0x200));
  });

  it('puts entryCode at the 64-bit entry, 0x200 into the protected-mode kernel', () => {
    const code = Uint8Array.of(0xeb, 0xfe);
    const file = buildBzImage({ entryCode: code });
    expect([...file.subarray(setupSize + 0x200, setupSize + 0x202)]).toEqual([0xeb, 0xfe]);
    expect(file[setupSize + 0x202]).toBe(payloadByte(0x202));
  });
});
