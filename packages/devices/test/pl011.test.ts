import type { MmioDevice } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { DeviceConfigError } from '../src/errors.js';
import { Pl011 } from '../src/pl011.js';
import { Pl011Input } from '../src/pl011-input.js';
import { Pl011SharedState } from '../src/pl011-shared-state.js';
import { CountingLine } from './port-io.js';

const DR = 0x000;
const RSR_ECR = 0x004;
const FR = 0x018;
const ILPR = 0x020;
const IBRD = 0x024;
const FBRD = 0x028;
const LCR_H = 0x02c;
const CR = 0x030;
const IFLS = 0x034;
const IMSC = 0x038;
const RIS = 0x03c;
const MIS = 0x040;
const ICR = 0x044;
const DMACR = 0x048;

const RXIS = 1 << 4;
const TXIS = 1 << 5;
const RTIS = 1 << 6;
const OEIS = 1 << 10;

/** Reads a 32-bit register, as a guest `ldr w` would. */
function readl(device: MmioDevice, offset: number): number {
  const data = new Uint8Array(4);
  device.read(offset, data);
  return new DataView(data.buffer).getUint32(0, true);
}

/** Writes a 32-bit register, as a guest `str w` would. */
function writel(device: MmioDevice, offset: number, value: number): void {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, value, true);
  device.write(offset, data);
}

/** Reads `length` bytes at `offset`. */
function readBytes(device: MmioDevice, offset: number, length: number): number[] {
  const data = new Uint8Array(length);
  device.read(offset, data);
  return [...data];
}

function setup(capacity?: number) {
  const state = Pl011SharedState.create(capacity);
  const sent: Uint8Array[] = [];
  const irq = new CountingLine();
  const inputIrq = new CountingLine();
  const uart = new Pl011({ state, sink: (bytes) => sent.push(bytes), irq });
  const input = new Pl011Input({ state: new Pl011SharedState(state.buffer), irq: inputIrq });
  const transmitted = () => Buffer.from(sent.flatMap((bytes) => [...bytes])).toString();
  return { state, uart, input, irq, inputIrq, sent, transmitted };
}

describe('Pl011 registers', () => {
  it('sends each UARTDR byte to the sink at once, whatever the access width', () => {
    const { uart, sent, transmitted } = setup();
    uart.write(DR, Uint8Array.of(0x48));
    writel(uart, DR, 0x0169);
    uart.write(DR, Uint8Array.of(0x0a, 0x00));
    expect(sent.map((bytes) => bytes.length)).toEqual([1, 1, 1]);
    expect(transmitted()).toBe('Hi\n');
    uart.write(DR + 1, Uint8Array.of(0x41));
    expect(sent).toHaveLength(3);
  });

  it('reports TXFE and RXFE in UARTFR when idle, never TXFF or BUSY', () => {
    const { uart } = setup();
    expect(readl(uart, FR)).toBe(0x90);
    writel(uart, DR, 0x41);
    expect(readl(uart, FR)).toBe(0x90);
    expect(readBytes(uart, FR, 1)).toEqual([0x90]);
  });

  it('reads as a PL011 r1p5 in the PrimeCell identification registers', () => {
    const { uart } = setup();
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => readl(uart, o));
    expect(ids).toEqual([0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
    const periphid = ids.slice(0, 4).reduce((id, byte, i) => id | (byte << (8 * i)), 0);
    const cellid = ids.slice(4).reduce((id, byte, i) => (id | (byte << (8 * i))) >>> 0, 0);
    expect(periphid).toBe(0x0034_1011);
    expect(periphid & 0x000f_ffff).toBe(0x0004_1011);
    expect(cellid).toBe(0xb105_f00d);
    writel(uart, 0xfe0, 0);
    expect(readl(uart, 0xfe0)).toBe(0x11);
  });

  it('comes out of reset with CR 0x300, IFLS 0x12 and everything else 0', () => {
    const { uart } = setup();
    expect(readl(uart, CR)).toBe(0x300);
    expect(readl(uart, IFLS)).toBe(0x12);
    for (const offset of [RSR_ECR, ILPR, IBRD, FBRD, LCR_H, IMSC, RIS, MIS, ICR, DMACR]) {
      expect(readl(uart, offset), `offset 0x${offset.toString(16)}`).toBe(0);
    }
  });

  it('stores the control registers with the bits the PL011 implements', () => {
    const { uart, transmitted } = setup();
    const written: [number, number, number][] = [
      [ILPR, 0x1ff, 0xff],
      [IBRD, 0x1_0027, 0x0027],
      [FBRD, 0xff, 0x3f],
      [LCR_H, 0x170, 0x70],
      [CR, 0x1_0301, 0x0301],
      [IFLS, 0xff, 0x3f],
      [IMSC, 0xffff, 0x7ff],
      [DMACR, 0xff, 0x7],
    ];
    for (const [offset, value, expected] of written) {
      writel(uart, offset, value);
      expect(readl(uart, offset), `offset 0x${offset.toString(16)}`).toBe(expected);
    }
    uart.write(CR + 1, Uint8Array.of(0x02));
    expect(readl(uart, CR)).toBe(0x0201);
    uart.write(IBRD, Uint8Array.of(0x0d));
    expect(readl(uart, IBRD)).toBe(0x000d);
    writel(uart, FR, 0);
    writel(uart, RIS, 0xffff);
    writel(uart, 0x100, 0x1234);
    expect(readl(uart, FR)).toBe(0x90);
    expect(readl(uart, 0x100)).toBe(0);
    expect(transmitted()).toBe('');
  });

  it('splits an 8-byte access into two registers', () => {
    const { uart } = setup();
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigUint64(0, 0x0000_0005_0000_0010n, true);
    uart.write(IBRD, data);
    expect([readl(uart, IBRD), readl(uart, FBRD)]).toEqual([0x10, 0x05]);
    const back = new Uint8Array(8);
    uart.read(IBRD, back);
    expect(new DataView(back.buffer).getBigUint64(0, true)).toBe(0x0000_0005_0000_0010n);
  });
});

describe('Pl011 interrupts', () => {
  it('latches TXIS on every UARTDR write and clears it through UARTICR', () => {
    const { uart, irq } = setup();
    writel(uart, DR, 0x41);
    expect(readl(uart, RIS)).toBe(TXIS);
    expect(readl(uart, MIS)).toBe(0);
    expect(irq.levels).toEqual([]);
    writel(uart, IMSC, TXIS);
    expect(readl(uart, MIS)).toBe(TXIS);
    expect(irq.levels).toEqual([true]);
    writel(uart, ICR, TXIS);
    expect(readl(uart, RIS)).toBe(0);
    expect(irq.levels).toEqual([true, false]);
    writel(uart, DR, 0x42);
    expect(irq.levels).toEqual([true, false, true]);
    writel(uart, DR, 0x43);
    expect(irq.levels).toEqual([true, false, true]);
    writel(uart, IMSC, 0);
    expect(irq.levels).toEqual([true, false, true, false]);
    expect(irq.pulses).toBe(0);
  });

  it('drives the line only when the level changes', () => {
    const { uart, irq } = setup();
    writel(uart, IMSC, RXIS | RTIS);
    writel(uart, IMSC, RXIS | RTIS | OEIS);
    writel(uart, ICR, 0x7ff);
    expect(irq.levels).toEqual([]);
  });

  it('raises RXIS and RTIS while input waits, and lowers them once it is read out', () => {
    const { uart, input, irq, inputIrq } = setup();
    writel(uart, IMSC, RXIS | RTIS);
    expect(input.push(Buffer.from('ok'))).toBe(2);
    expect(inputIrq.levels).toEqual([true]);
    expect(readl(uart, RIS)).toBe(RXIS | RTIS);
    expect(readl(uart, MIS)).toBe(RXIS | RTIS);
    expect(readl(uart, FR) & 0x10).toBe(0);
    writel(uart, ICR, RXIS | RTIS);
    expect(readl(uart, MIS)).toBe(RXIS | RTIS);
    expect(readl(uart, DR)).toBe(0x6f);
    expect(irq.levels).toEqual([]);
    expect(readBytes(uart, DR, 1)).toEqual([0x6b]);
    expect(irq.levels).toEqual([false]);
    expect(readl(uart, FR)).toBe(0x90);
    expect(readl(uart, RIS)).toBe(0);
    expect(readl(uart, DR)).toBe(0);
    expect(irq.levels).toEqual([false]);
  });

  it('keeps input queued but the line low while receive interrupts are masked', () => {
    const { uart, input, inputIrq, irq } = setup();
    input.push(Buffer.from('abc'));
    expect(inputIrq.levels).toEqual([]);
    expect(readl(uart, RIS)).toBe(RXIS | RTIS);
    writel(uart, IMSC, RTIS);
    expect(irq.levels).toEqual([true]);
    expect(readBytes(uart, DR + 1, 1)).toEqual([0]);
    expect(Buffer.from([readl(uart, DR), readl(uart, DR), readl(uart, DR)]).toString()).toBe('abc');
    expect(irq.levels).toEqual([true, false]);
  });

  it('drops input beyond the FIFO and reports the overrun in RSR and OEIS', () => {
    const { uart, input, inputIrq } = setup(16);
    writel(uart, IMSC, OEIS);
    expect(input.space).toBe(16);
    expect(input.push(new Uint8Array(20).fill(0x61))).toBe(16);
    expect(input.space).toBe(0);
    expect(readl(uart, FR)).toBe(0x80 | 0x40);
    expect(readl(uart, RSR_ECR)).toBe(0x08);
    expect(readl(uart, MIS)).toBe(OEIS);
    expect(inputIrq.levels).toEqual([true]);
    writel(uart, RSR_ECR, 0);
    expect(readl(uart, RSR_ECR)).toBe(0);
    expect(readl(uart, RIS)).toBe(RXIS | RTIS | OEIS);
    writel(uart, ICR, OEIS);
    expect(readl(uart, RIS)).toBe(RXIS | RTIS);
    expect(readl(uart, MIS)).toBe(0);
  });

  it('shares one line level between the device and the input side', () => {
    const { uart, input, irq, inputIrq } = setup();
    writel(uart, IMSC, RXIS);
    input.push(Uint8Array.of(1));
    readl(uart, DR);
    input.push(Uint8Array.of(2));
    writel(uart, IMSC, 0);
    input.push(Uint8Array.of(3));
    writel(uart, IMSC, RXIS);
    const all = [...inputIrq.levels, ...irq.levels];
    expect(inputIrq.levels).toEqual([true, true]);
    expect(irq.levels).toEqual([false, false, true]);
    expect(all.filter(Boolean)).toHaveLength(3);
  });
});

describe('Pl011SharedState', () => {
  it('holds the registers, so devices around the same buffer are one UART', () => {
    const { state, uart, input } = setup();
    const other = new Pl011({
      state: new Pl011SharedState(state.buffer),
      sink: () => {},
      irq: new CountingLine(),
    });
    writel(uart, IBRD, 13);
    writel(uart, LCR_H, 0x70);
    expect(readl(other, IBRD)).toBe(13);
    expect(readl(other, LCR_H)).toBe(0x70);
    input.push(Buffer.from('xy'));
    expect(readl(uart, DR)).toBe(0x78);
    expect(readl(other, DR)).toBe(0x79);
    expect(readl(uart, FR)).toBe(0x90);
  });

  it('wraps around its ring in order', () => {
    const { uart, input } = setup(16);
    const received: number[] = [];
    for (let round = 0; round < 5; round++) {
      expect(input.push(Uint8Array.from({ length: 11 }, (_, i) => round * 11 + i))).toBe(11);
      while ((readl(uart, FR) & 0x10) === 0) received.push(readl(uart, DR));
    }
    expect(received).toEqual(Array.from({ length: 55 }, (_, i) => i));
  });

  it('rejects buffers and capacities it cannot use', () => {
    expect(() => Pl011SharedState.create(24)).toThrow(DeviceConfigError);
    expect(() => Pl011SharedState.create(8)).toThrow(/out of range/);
    expect(() => new Pl011SharedState(new SharedArrayBuffer(100))).toThrow(DeviceConfigError);
    expect(
      () => new Pl011SharedState(new ArrayBuffer(64 + 16) as unknown as SharedArrayBuffer),
    ).toThrow(/needs a SharedArrayBuffer/);
  });
});
