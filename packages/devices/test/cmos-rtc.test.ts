import { describe, expect, it } from 'vitest';
import { CmosRtc, CmosRtcSharedState, DeviceConfigError, I8042SharedState } from '../src/index.js';
import { inb, outb } from './port-io.js';

const INDEX = 0;
const DATA = 1;

function cmos(rtc: CmosRtc, index: number): number {
  outb(rtc, INDEX, index);
  return inb(rtc, DATA);
}

// Thursday, 29 February 2024, 23:59:58 UTC.
const leapNight = new Date(Date.UTC(2024, 1, 29, 23, 59, 58));

describe('CmosRtc', () => {
  it('shows the injected clock in BCD, 24-hour mode', () => {
    const rtc = new CmosRtc({ now: () => leapNight });
    const time = [0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32].map((i) => cmos(rtc, i));
    expect(time).toEqual([0x58, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24, 0x20]);
  });

  it('reports status registers A-D as a settled, valid clock', () => {
    const rtc = new CmosRtc({ now: () => leapNight });
    expect(cmos(rtc, 0x0a)).toBe(0x26);
    expect(cmos(rtc, 0x0b)).toBe(0x02);
    expect(cmos(rtc, 0x0c)).toBe(0);
    expect(cmos(rtc, 0x0d)).toBe(0x80);
    outb(rtc, DATA, 0);
    expect(cmos(rtc, 0x0d)).toBe(0x80);
    outb(rtc, INDEX, 0x0a);
    outb(rtc, DATA, 0xa6);
    expect(cmos(rtc, 0x0a)).toBe(0x26);
  });

  it('masks the NMI-disable bit off the index', () => {
    const rtc = new CmosRtc({ now: () => leapNight });
    expect(cmos(rtc, 0x80)).toBe(0x58);
    expect(cmos(rtc, 0x89)).toBe(0x24);
    outb(rtc, INDEX, 0x80 | 0x40);
    outb(rtc, DATA, 0x3c);
    expect(cmos(rtc, 0x40)).toBe(0x3c);
    expect(inb(rtc, INDEX)).toBe(0xff);
  });

  it('keeps the other bytes as scratch RAM and ignores writes to the time', () => {
    const rtc = new CmosRtc({ now: () => leapNight });
    const scratch = Array.from({ length: 0x80 - 0x0e }, (_, i) => 0x0e + i).filter(
      (i) => i !== 0x32,
    );
    for (const i of scratch) {
      outb(rtc, INDEX, i);
      outb(rtc, DATA, i ^ 0xa5);
    }
    expect(scratch.every((i) => cmos(rtc, i) === (i ^ 0xa5))).toBe(true);
    outb(rtc, INDEX, 0x01);
    outb(rtc, DATA, 0x30);
    expect(cmos(rtc, 0x01)).toBe(0x30);
    outb(rtc, INDEX, 0x00);
    outb(rtc, DATA, 0x11);
    expect(cmos(rtc, 0x00)).toBe(0x58);
  });

  it('follows status B into binary and 12-hour mode', () => {
    const rtc = new CmosRtc({ now: () => leapNight });
    outb(rtc, INDEX, 0x0b);
    outb(rtc, DATA, 0x04);
    expect(cmos(rtc, 0x04)).toBe(0x80 | 11);
    expect(cmos(rtc, 0x00)).toBe(58);
    outb(rtc, INDEX, 0x0b);
    outb(rtc, DATA, 0x00);
    expect(cmos(rtc, 0x04)).toBe(0x91);
    const rtcAtMidnight = new CmosRtc({ now: () => new Date(Date.UTC(2001, 0, 1, 0, 5, 0)) });
    outb(rtcAtMidnight, INDEX, 0x0b);
    outb(rtcAtMidnight, DATA, 0x00);
    expect(cmos(rtcAtMidnight, 0x04)).toBe(0x12);
  });

  it('reads the real clock by default', () => {
    const rtc = new CmosRtc();
    const before = new Date();
    const year = cmos(rtc, 0x09);
    const century = cmos(rtc, 0x32);
    const fullYear =
      ((century >> 4) * 10 + (century & 0xf)) * 100 + (year >> 4) * 10 + (year & 0xf);
    expect(Math.abs(fullYear - before.getUTCFullYear())).toBeLessThanOrEqual(1);
  });

  it('stores memory sizes where PC firmware looks for them', () => {
    const state = CmosRtcSharedState.create();
    const rtc = new CmosRtc({ state });
    state.setMemorySize(32 * 1024 * 1024);
    const bytes = [0x15, 0x16, 0x17, 0x18, 0x30, 0x31, 0x34, 0x35].map((i) => cmos(rtc, i));
    expect(bytes).toEqual([0x80, 0x02, 0x00, 0x7c, 0x00, 0x7c, 0x00, 0x01]);
    state.setMemorySize(3 * 1024 * 1024 * 1024);
    expect([0x17, 0x18, 0x34, 0x35].map((i) => cmos(rtc, i))).toEqual([0xff, 0xff, 0x00, 0xbf]);
    expect(() => state.setMemorySize(-1)).toThrow(DeviceConfigError);
  });

  it('is one chip for every RTC built over the same state, as on two vCPU threads', () => {
    const state = CmosRtcSharedState.create();
    const first = new CmosRtc({ state, now: () => leapNight });
    const second = new CmosRtc({
      state: new CmosRtcSharedState(state.buffer),
      now: () => leapNight,
    });
    outb(first, INDEX, 0x40);
    outb(second, DATA, 0x3c);
    expect(inb(first, DATA)).toBe(0x3c);
    outb(second, INDEX, 0x0b);
    outb(second, DATA, 0x04);
    expect(cmos(first, 0x04)).toBe(0x80 | 11);
    outb(first, INDEX, 0x0a);
    outb(first, DATA, 0xa6);
    expect(cmos(second, 0x0a)).toBe(0x26);
  });

  it('keeps its state where it is put in a buffer, apart from the neighbours', () => {
    const buffer = new SharedArrayBuffer(
      I8042SharedState.BYTE_LENGTH + CmosRtcSharedState.BYTE_LENGTH,
    );
    const state = new CmosRtcSharedState(buffer, I8042SharedState.BYTE_LENGTH);
    state.initialize();
    const rtc = new CmosRtc({ state });
    expect(cmos(rtc, 0x0b)).toBe(0x02);
    for (let i = 0x0e; i < 0x80; i++) {
      outb(rtc, INDEX, i);
      outb(rtc, DATA, 0xff);
    }
    expect(new Uint8Array(buffer, 0, I8042SharedState.BYTE_LENGTH).every((b) => b === 0)).toBe(
      true,
    );
  });

  it('refuses state that is not shared or does not fit', () => {
    const notShared = new ArrayBuffer(256) as unknown as SharedArrayBuffer;
    expect(() => new CmosRtcSharedState(notShared)).toThrow(/SharedArrayBuffer/);
    const small = new SharedArrayBuffer(CmosRtcSharedState.BYTE_LENGTH);
    expect(() => new CmosRtcSharedState(small, 4)).toThrow(DeviceConfigError);
    expect(() => new CmosRtcSharedState(small, -1)).toThrow(DeviceConfigError);
    expect(() => new CmosRtcSharedState(small, 0)).not.toThrow();
  });

  it('takes an index and a value in one 16-bit write', () => {
    const rtc = new CmosRtc();
    rtc.write(INDEX, Uint8Array.of(0x50, 0x77));
    expect(cmos(rtc, 0x50)).toBe(0x77);
    expect(rtc.portCount).toBe(2);
  });
});
