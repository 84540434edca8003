import { describe, expect, it } from 'vitest';
import { AcpiSleepControl } from '../src/index.js';
import { inb, outb } from './port-io.js';

const CONTROL = 0;
const STATUS = 1;

/** A device whose power-off callback counts its calls. */
function sleepControl() {
  const calls = { powerOff: 0 };
  const device = new AcpiSleepControl({ onPowerOff: () => calls.powerOff++ });
  return { device, calls };
}

describe('AcpiSleepControl', () => {
  it('powers off once on SLP_TYP 5 with SLP_EN (0x34)', () => {
    const { device, calls } = sleepControl();
    outb(device, CONTROL, 0x34);
    expect(calls.powerOff).toBe(1);
  });

  it('ignores SLP_TYP 5 without SLP_EN (0x14), as written when preparing to wake', () => {
    const { device, calls } = sleepControl();
    outb(device, CONTROL, 0x14);
    expect(calls.powerOff).toBe(0);
  });

  it('ignores SLP_EN with the other sleep types', () => {
    const { device, calls } = sleepControl();
    for (const type of [0, 1, 2, 3, 4, 6, 7]) outb(device, CONTROL, 0x20 | (type << 2));
    expect(calls.powerOff).toBe(0);
  });

  it('decodes only SLP_TYP and SLP_EN: reserved bits do not matter', () => {
    const { device, calls } = sleepControl();
    outb(device, CONTROL, 0x34 | 0xc3);
    expect(calls.powerOff).toBe(1);
  });

  it('does not power off on writes to the status register', () => {
    const { device, calls } = sleepControl();
    outb(device, STATUS, 0x80);
    outb(device, STATUS, 0x34);
    expect(calls.powerOff).toBe(0);
  });

  it('reads 0 from the status register (WAK_STS clear) and from control', () => {
    const { device } = sleepControl();
    expect(inb(device, STATUS)).toBe(0);
    outb(device, CONTROL, 0x14);
    expect(inb(device, CONTROL)).toBe(0);
    expect(inb(device, STATUS)).toBe(0);
  });

  it('spans two ports; a 16-bit write reaches control then status', () => {
    const { device, calls } = sleepControl();
    expect(device.portCount).toBe(2);
    device.write(CONTROL, Uint8Array.of(0x34, 0x00));
    expect(calls.powerOff).toBe(1);
    const data = new Uint8Array(4);
    device.read(CONTROL, data);
    expect([...data]).toEqual([0, 0, 0xff, 0xff]);
  });
});
