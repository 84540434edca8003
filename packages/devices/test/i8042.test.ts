import { x86_64Layout } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { DeviceConfigError, I8042, I8042SharedState } from '../src/index.js';
import { inb, outb } from './port-io.js';

const DATA = 0;
const STATUS = 4;
const COMMAND = 4;

function setup() {
  let resets = 0;
  const controller = new I8042({ onReset: () => resets++ });
  return { controller, resets: () => resets };
}

describe('I8042', () => {
  it('calls onReset exactly once for command 0xfe', () => {
    const { controller, resets } = setup();
    outb(controller, COMMAND, 0xfe);
    expect(resets()).toBe(1);
    outb(controller, COMMAND, 0xff);
    outb(controller, COMMAND, 0x20);
    expect(resets()).toBe(1);
  });

  it('resets when the guest clears output port bit 0', () => {
    const { controller, resets } = setup();
    outb(controller, COMMAND, 0xd0);
    expect(inb(controller, DATA)).toBe(0x03);
    outb(controller, COMMAND, 0xd1);
    outb(controller, DATA, 0xdf);
    expect(resets()).toBe(0);
    outb(controller, COMMAND, 0xd1);
    outb(controller, DATA, 0xde);
    expect(resets()).toBe(1);
  });

  it('answers the self-test with 0x55 through the data port', () => {
    const { controller } = setup();
    expect(inb(controller, STATUS)).toBe(0x14);
    expect(inb(controller, DATA)).toBe(0);
    outb(controller, COMMAND, 0xaa);
    expect(inb(controller, STATUS)).toBe(0x1d);
    expect(inb(controller, DATA)).toBe(0x55);
    expect(inb(controller, STATUS) & 0x03).toBe(0);
    expect(inb(controller, DATA)).toBe(0);
  });

  it('reads back the configuration byte it was given, mirroring the system flag', () => {
    const { controller } = setup();
    outb(controller, COMMAND, 0x20);
    expect(inb(controller, DATA)).toBe(0x47);
    outb(controller, COMMAND, 0x60);
    expect(inb(controller, STATUS) & 0x02).toBe(0);
    outb(controller, DATA, 0x61);
    expect(inb(controller, STATUS)).toBe(0x10);
    outb(controller, COMMAND, 0x20);
    expect(inb(controller, DATA)).toBe(0x61);
    outb(controller, COMMAND, 0x7f);
    outb(controller, DATA, 0x9c);
    outb(controller, COMMAND, 0x3f);
    expect(inb(controller, DATA)).toBe(0x9c);
  });

  it("answers Linux's aux probe: loopback echo, port enable bits, interface tests", () => {
    const { controller } = setup();
    outb(controller, COMMAND, 0xd3);
    outb(controller, DATA, 0x5a);
    expect(inb(controller, STATUS) & 0x21).toBe(0x21);
    expect(inb(controller, DATA)).toBe(0x5a);
    outb(controller, COMMAND, 0xa7);
    outb(controller, COMMAND, 0x20);
    expect(inb(controller, DATA) & 0x20).toBe(0x20);
    outb(controller, COMMAND, 0xa8);
    outb(controller, COMMAND, 0x20);
    expect(inb(controller, DATA) & 0x20).toBe(0);
    outb(controller, COMMAND, 0xad);
    outb(controller, COMMAND, 0x20);
    expect(inb(controller, DATA) & 0x10).toBe(0x10);
    outb(controller, COMMAND, 0xae);
    outb(controller, COMMAND, 0x20);
    expect(inb(controller, DATA) & 0x10).toBe(0);
    for (const test of [0xa9, 0xab]) {
      outb(controller, COMMAND, test);
      expect(inb(controller, STATUS) & 0x21).toBe(0x01);
      expect(inb(controller, DATA)).toBe(0);
    }
    outb(controller, COMMAND, 0xd2);
    outb(controller, DATA, 0x1c);
    expect(inb(controller, STATUS) & 0x21).toBe(0x01);
    expect(inb(controller, DATA)).toBe(0x1c);
  });

  it('drops bytes for the absent keyboard and mouse, and floats the gap ports', () => {
    const { controller } = setup();
    outb(controller, DATA, 0xff);
    outb(controller, COMMAND, 0xd4);
    outb(controller, DATA, 0xf4);
    expect(inb(controller, STATUS) & 0x01).toBe(0);
    expect([1, 2, 3].map((offset) => inb(controller, offset))).toEqual([0xff, 0xff, 0xff]);
    outb(controller, 1, 0);
    const { I8042_DATA_PORT, I8042_COMMAND_PORT } = x86_64Layout;
    expect(I8042_COMMAND_PORT - I8042_DATA_PORT).toBe(COMMAND);
    expect(COMMAND).toBeLessThan(controller.portCount);
  });

  it('is one controller for every i8042 built over the same state, as on two vCPU threads', () => {
    const state = I8042SharedState.create();
    let resets = 0;
    const first = new I8042({ state, onReset: () => resets++ });
    const second = new I8042({
      state: new I8042SharedState(state.buffer),
      onReset: () => resets++,
    });
    outb(first, COMMAND, 0xd3);
    outb(second, DATA, 0x5a);
    expect(inb(first, STATUS) & 0x21).toBe(0x21);
    expect(inb(second, DATA)).toBe(0x5a);
    expect(inb(first, STATUS) & 0x01).toBe(0);
    outb(second, COMMAND, 0x60);
    outb(first, DATA, 0x03);
    outb(first, COMMAND, 0x20);
    expect(inb(second, DATA)).toBe(0x03);
    expect(inb(second, STATUS) & 0x04).toBe(0);
    outb(first, COMMAND, 0xd1);
    outb(second, DATA, 0xde);
    expect(resets).toBe(1);
  });

  it('refuses state that does not fit in its buffer', () => {
    const small = new SharedArrayBuffer(I8042SharedState.BYTE_LENGTH);
    expect(() => new I8042SharedState(small, 8)).toThrow(DeviceConfigError);
    expect(new I8042SharedState(small, 0).outputWaiting).toBe(false);
  });
});
