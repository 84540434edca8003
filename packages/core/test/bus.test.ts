import { describe, expect, it } from 'vitest';
import { BusConflictError, MmioBus, PioBus, type BusDevice, type PioDevice } from '../src/index.js';

class Recorder implements BusDevice {
  readonly accesses: string[] = [];
  read(offset: number, data: Uint8Array): void {
    this.accesses.push(`r${offset}:${data.length}`);
    data.fill(0xab);
  }
  write(offset: number, data: Uint8Array): void {
    this.accesses.push(`w${offset}:${[...data].join(',')}`);
  }
}

describe('PioBus', () => {
  it('dispatches with offsets relative to the device base', () => {
    const bus = new PioBus();
    const uart = new Recorder();
    bus.register(0x3f8, 8, uart, 'uart');
    const data = new Uint8Array(1);
    expect(bus.read(0x3fd, data)).toBe(true);
    expect(data[0]).toBe(0xab);
    expect(bus.write(0x3f8, Uint8Array.of(0x41))).toBe(true);
    expect(uart.accesses).toEqual(['r5:1', 'w0:65']);
  });

  it('hands a run of writes to a device that takes runs in one call', () => {
    const bus = new PioBus();
    const runs: string[] = [];
    const uart: PioDevice = {
      read: () => undefined,
      write: () => runs.push('single write'),
      writeRepeated: (offset, size, data) => {
        runs.push(`${offset}/${size}:${[...data].join(',')}`);
        return offset === 0;
      },
    };
    bus.register(0x3f8, 8, uart, 'uart');
    expect(bus.writeRepeated(0x3f8, 1, Uint8Array.of(0x61, 0x62, 0x63))).toBe(true);
    expect(runs).toEqual(['0/1:97,98,99']);
  });

  it('splits a run the device declines into single accesses', () => {
    const bus = new PioBus();
    const accesses: string[] = [];
    const uart: PioDevice = {
      read: () => undefined,
      write: (offset, data) => accesses.push(`w${offset}:${[...data].join(',')}`),
      writeRepeated: () => false,
    };
    bus.register(0x3f8, 8, uart, 'uart');
    expect(bus.writeRepeated(0x3f9, 1, Uint8Array.of(1, 2))).toBe(true);
    expect(accesses).toEqual(['w1:1', 'w1:2']);
  });

  it('splits a run of writes into single accesses for a device that does not take runs', () => {
    const bus = new PioBus();
    const device = new Recorder();
    bus.register(0x80, 4, device, 'debug');
    expect(bus.writeRepeated(0x81, 2, Uint8Array.of(1, 2, 3, 4))).toBe(true);
    expect(device.accesses).toEqual(['w1:1,2', 'w1:3,4']);
    expect(bus.writeRepeated(0x90, 1, Uint8Array.of(5))).toBe(false);
  });

  it('leaves unclaimed ports to the caller', () => {
    const bus = new PioBus();
    bus.register(0x3f8, 8, new Recorder(), 'uart');
    const data = Uint8Array.of(7);
    expect(bus.read(0x3f7, data)).toBe(false);
    expect(bus.read(0x400, data)).toBe(false);
    expect(data[0]).toBe(7);
  });

  it('refuses overlapping devices and ranges past port 0xffff', () => {
    const bus = new PioBus();
    bus.register(0x60, 1, new Recorder(), 'i8042 data');
    bus.register(0x64, 1, new Recorder(), 'i8042 command');
    expect(() => bus.register(0x5f, 2, new Recorder(), 'clash')).toThrow(BusConflictError);
    expect(() => bus.register(0x63, 2, new Recorder(), 'clash')).toThrow(/overlaps i8042 command/);
    expect(() => bus.register(0xfffe, 4, new Recorder(), 'wrap')).toThrow(RangeError);
    bus.register(0x61, 3, new Recorder(), 'between');
    expect(bus.entries().map((range) => range.label)).toEqual([
      'i8042 data',
      'between',
      'i8042 command',
    ]);
  });
});

describe('MmioBus', () => {
  it('finds devices by bigint guest address, including above 4 GiB', () => {
    const bus = new MmioBus();
    const low = new Recorder();
    const high = new Recorder();
    bus.register(0xd000_0000n, 0x1000n, low, 'low');
    bus.register(0x10_0000_0000n, 0x1000n, high, 'high');
    expect(bus.write(0xd000_0ffcn, Uint8Array.of(1, 2, 3, 4))).toBe(true);
    expect(bus.read(0x10_0000_0008n, new Uint8Array(8))).toBe(true);
    expect(bus.read(0xd000_1000n, new Uint8Array(4))).toBe(false);
    expect(low.accesses).toEqual(['w4092:1,2,3,4']);
    expect(high.accesses).toEqual(['r8:8']);
  });
});
