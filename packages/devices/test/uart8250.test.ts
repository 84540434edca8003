import { describe, expect, it } from 'vitest';
import { PioBus } from '@vmm/core';
import { DeviceConfigError, Uart8250, Uart8250Input, Uart8250SharedState } from '../src/index.js';
import { CountingLine, inb, outb } from './port-io.js';

const THR = 0;
const IER = 1;
const IIR = 2;
const FCR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;
const MSR = 6;
const SCR = 7;

function setup(capacity?: number) {
  const state = Uart8250SharedState.create(capacity);
  const sent: Uint8Array[] = [];
  const irq = new CountingLine();
  const inputIrq = new CountingLine();
  const uart = new Uart8250({ state, sink: (bytes) => sent.push(bytes), irq });
  const input = new Uart8250Input({ state: new Uart8250SharedState(state.buffer), irq: inputIrq });
  const transmitted = () => sent.flatMap((bytes) => [...bytes]);
  return { state, uart, input, irq, inputIrq, sent, transmitted };
}

describe('Uart8250 registers', () => {
  it('sends each THR byte to the sink at once, one byte per call', () => {
    const { uart, sent, transmitted } = setup();
    for (const byte of Buffer.from('Hi\n')) outb(uart, THR, byte);
    expect(sent.map((bytes) => bytes.length)).toEqual([1, 1, 1]);
    expect(Buffer.from(transmitted()).toString()).toBe('Hi\n');
    expect(inb(uart, LSR)).toBe(0x60);
  });

  it('round-trips the divisor latch behind DLAB without transmitting', () => {
    const { uart, transmitted } = setup();
    expect(inb(uart, LCR)).toBe(0x03);
    outb(uart, LCR, 0x83);
    expect([inb(uart, 0), inb(uart, 1)]).toEqual([12, 0]);
    outb(uart, 0, 0x01);
    outb(uart, 1, 0x02);
    expect(inb(uart, LCR)).toBe(0x83);
    expect([inb(uart, 0), inb(uart, 1)]).toEqual([0x01, 0x02]);
    outb(uart, LCR, 0x03);
    expect(inb(uart, IER)).toBe(0);
    expect(transmitted()).toEqual([]);
    outb(uart, LCR, 0x80);
    expect([inb(uart, 0), inb(uart, 1)]).toEqual([0x01, 0x02]);
  });

  it('keeps the scratch register and LCR', () => {
    const { uart } = setup();
    outb(uart, SCR, 0x5a);
    expect(inb(uart, SCR)).toBe(0x5a);
    outb(uart, LCR, 0x1b);
    expect(inb(uart, LCR)).toBe(0x1b);
  });

  it('reports a connected peer (DCD, DSR, CTS) outside loopback', () => {
    const { uart } = setup();
    expect(inb(uart, MSR)).toBe(0xb0);
    expect(inb(uart, MCR)).toBe(0x08);
  });

  it("passes Linux's 8250 autoconfig probe as a 16550A", () => {
    const { uart, transmitted } = setup();
    // IER test: the low four bits hold what was written, the upper ones read zero.
    outb(uart, IER, 0);
    expect(inb(uart, IER) & 0x0f).toBe(0);
    outb(uart, IER, 0x0f);
    expect(inb(uart, IER) & 0x0f).toBe(0x0f);
    outb(uart, IER, 0);
    // Loopback test: MCR = LOOP | OUT2 | RTS must show DCD | CTS in MSR.
    const savedMcr = inb(uart, MCR);
    outb(uart, MCR, 0x1a);
    expect(inb(uart, MSR) & 0xf0).toBe(0x90);
    outb(uart, MCR, savedMcr);
    // FIFO test: with FIFOs enabled IIR bits 7:6 are both set.
    outb(uart, LCR, 0xbf);
    outb(uart, FCR, 0);
    outb(uart, LCR, 0);
    outb(uart, FCR, 0x01);
    expect(inb(uart, IIR) >> 6).toBe(3);
    // 16550A variant checks: no EFR behind DLAB, no 64-byte FIFO bit, no UUE bit in IER.
    outb(uart, LCR, 0x80);
    expect(inb(uart, IIR)).not.toBe(0);
    outb(uart, LCR, 0xbf);
    expect(inb(uart, IIR)).not.toBe(0);
    outb(uart, LCR, 0);
    outb(uart, FCR, 0x21);
    expect(inb(uart, IIR) & 0x20).toBe(0);
    outb(uart, IER, 0x40);
    expect(inb(uart, IER) & 0x40).toBe(0);
    expect(transmitted()).toEqual([]);
  });

  it('loops transmitted bytes back to the receiver in loopback mode', () => {
    const { uart, transmitted } = setup();
    outb(uart, MCR, 0x10);
    expect(inb(uart, MSR)).toBe(0x0b);
    outb(uart, MCR, 0x1f);
    expect(inb(uart, MSR)).toBe(0xfb);
    expect(inb(uart, MSR)).toBe(0xf0);
    outb(uart, MCR, 0x1b);
    expect(inb(uart, MSR) & 0x0f).toBe(0x04);
    outb(uart, THR, 0x41);
    outb(uart, THR, 0x42);
    expect(transmitted()).toEqual([]);
    expect(inb(uart, LSR)).toBe(0x61);
    expect([inb(uart, THR), inb(uart, THR)]).toEqual([0x41, 0x42]);
    expect(inb(uart, LSR)).toBe(0x60);
    for (let i = 0; i < 17; i++) outb(uart, THR, i);
    expect(inb(uart, LSR)).toBe(0x63);
    expect(inb(uart, LSR)).toBe(0x61);
    outb(uart, MCR, 0x0b);
    outb(uart, THR, 0x43);
    expect(transmitted()).toEqual([0x43]);
  });

  it('splits wider accesses into consecutive registers', () => {
    const { uart, transmitted } = setup();
    uart.write(THR, Uint8Array.of(0x41, 0x05));
    expect(transmitted()).toEqual([0x41]);
    expect(inb(uart, IER)).toBe(0x05);
    outb(uart, SCR, 0x77);
    const data = new Uint8Array(2);
    uart.read(MSR, data);
    expect([...data]).toEqual([0xb0, 0x77]);
    uart.read(SCR, data);
    expect([...data]).toEqual([0x77, 0xff]);
  });
});

describe('Uart8250 interrupts', () => {
  it('raises THR empty when IER.THRI is switched on and after each THR write', () => {
    const { uart, irq } = setup();
    outb(uart, FCR, 0x01);
    expect(inb(uart, IIR)).toBe(0xc1);
    outb(uart, IER, 0x02);
    expect(irq.pulses).toBe(1);
    outb(uart, IER, 0x02);
    expect(irq.pulses).toBe(1);
    expect(inb(uart, IIR)).toBe(0xc2);
    expect(inb(uart, IIR)).toBe(0xc1);
    outb(uart, THR, 0x61);
    expect(irq.pulses).toBe(2);
    outb(uart, THR, 0x62);
    expect(irq.pulses).toBe(3);
    expect(inb(uart, IIR)).toBe(0xc2);
    outb(uart, IER, 0);
    outb(uart, THR, 0x63);
    expect(irq.pulses).toBe(3);
    expect(inb(uart, IIR)).toBe(0xc1);
    outb(uart, IER, 0x02);
    expect(irq.pulses).toBe(4);
    expect(irq.levels).toEqual([]);
  });

  it('forgets a pending THR empty when IER.THRI is switched off', () => {
    const { uart } = setup();
    outb(uart, IER, 0x02);
    outb(uart, IER, 0x00);
    outb(uart, IER, 0x01);
    expect(inb(uart, IIR)).toBe(0x01);
  });

  it('reports sources by priority and clears each the way the 16550 does', () => {
    const { uart, input, irq, inputIrq } = setup(16);
    outb(uart, FCR, 0x01);
    outb(uart, IER, 0x07);
    expect(irq.pulses).toBe(1);
    expect(input.push(Uint8Array.of(0x31))).toBe(1);
    expect(inputIrq.pulses).toBe(1);
    expect(inb(uart, IIR)).toBe(0xc4);
    expect(input.push(new Uint8Array(20))).toBe(15);
    expect(inputIrq.pulses).toBe(2);
    expect(inb(uart, IIR)).toBe(0xc6);
    expect(inb(uart, LSR)).toBe(0x63);
    expect(inb(uart, IIR)).toBe(0xc4);
    for (let i = 0; i < 16; i++) inb(uart, THR);
    expect(inb(uart, IIR)).toBe(0xc2);
    expect(inb(uart, IIR)).toBe(0xc1);
    expect(irq.pulses).toBe(1);
  });

  it('raises received data when IER.RDI is switched on while bytes wait', () => {
    const { uart, input, irq, inputIrq } = setup();
    input.push(Uint8Array.of(0x0d));
    expect(inputIrq.pulses).toBe(0);
    expect(inb(uart, IIR)).toBe(0x01);
    outb(uart, IER, 0x01);
    expect(irq.pulses).toBe(1);
    expect(inb(uart, IIR)).toBe(0x04);
    expect(inb(uart, THR)).toBe(0x0d);
    expect(inb(uart, IIR)).toBe(0x01);
  });

  it('raises modem status on loopback line changes when IER.MSI is on', () => {
    const { uart, irq } = setup();
    outb(uart, IER, 0x08);
    expect(irq.pulses).toBe(0);
    outb(uart, MCR, 0x10);
    expect(irq.pulses).toBe(1);
    expect(inb(uart, IIR)).toBe(0x00);
    expect(inb(uart, MSR)).toBe(0x0b);
    expect(inb(uart, IIR)).toBe(0x01);
  });
});

describe('Uart8250 receive path', () => {
  it('delivers pushed bytes in order and sets LSR.DR while any wait', () => {
    const { uart, input, inputIrq } = setup();
    expect(inb(uart, LSR) & 0x01).toBe(0);
    outb(uart, IER, 0x01);
    expect(input.push(Buffer.from('abc'))).toBe(3);
    expect(inputIrq.pulses).toBe(1);
    expect(inb(uart, LSR)).toBe(0x61);
    expect(inb(uart, IIR)).toBe(0x04);
    expect(String.fromCharCode(inb(uart, THR), inb(uart, THR), inb(uart, THR))).toBe('abc');
    expect(inb(uart, LSR)).toBe(0x60);
    expect(inb(uart, IIR)).toBe(0x01);
    expect(inb(uart, THR)).toBe(0);
  });

  it('drops what does not fit, reports the overrun once and wraps around', () => {
    const { uart, input } = setup(16);
    const bytes = Uint8Array.from({ length: 20 }, (_, i) => i);
    expect(input.push(bytes)).toBe(16);
    expect(input.space).toBe(0);
    expect(input.push(Uint8Array.of(99))).toBe(0);
    expect(inb(uart, LSR)).toBe(0x63);
    expect(inb(uart, LSR)).toBe(0x61);
    const first = Array.from({ length: 10 }, () => inb(uart, THR));
    expect(first).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(input.push(Uint8Array.from({ length: 10 }, (_, i) => 100 + i))).toBe(10);
    const rest = Array.from({ length: 16 }, () => inb(uart, THR));
    expect(rest).toEqual([
      10, 11, 12, 13, 14, 15, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109,
    ]);
    expect(inb(uart, LSR)).toBe(0x60);
  });

  it('clears the receive FIFO through FCR', () => {
    const { uart, input } = setup();
    input.push(Buffer.from('stale'));
    outb(uart, FCR, 0x01);
    expect(inb(uart, LSR) & 0x01).toBe(0);
    input.push(Buffer.from('xy'));
    outb(uart, FCR, 0x03);
    expect(inb(uart, LSR) & 0x01).toBe(0);
    input.push(Buffer.from('z'));
    outb(uart, FCR, 0x01);
    expect(inb(uart, THR)).toBe(0x7a);
  });

  it('holds input back while in loopback mode', () => {
    const { uart, input } = setup();
    input.push(Uint8Array.of(0x55));
    outb(uart, MCR, 0x10);
    expect(inb(uart, LSR) & 0x01).toBe(0);
    outb(uart, MCR, 0x08);
    expect(inb(uart, THR)).toBe(0x55);
  });
});

describe('Uart8250SharedState', () => {
  it('shares one FIFO and IER between wrappers of the same buffer', () => {
    const state = Uart8250SharedState.create();
    const other = new Uart8250SharedState(state.buffer);
    expect(other.capacity).toBe(4096);
    state.interruptEnable = 0x05;
    expect(other.interruptEnable).toBe(0x05);
    expect(other.enqueue(Uint8Array.of(1, 2))).toBe(2);
    expect(state.receivedCount).toBe(2);
    expect(state.dequeue()).toBe(1);
    expect(other.receivedCount).toBe(1);
  });

  it('refuses buffers and capacities it cannot use', () => {
    expect(() => Uart8250SharedState.create(1000)).toThrow(DeviceConfigError);
    expect(() => Uart8250SharedState.create(8)).toThrow(/out of range/);
    expect(
      () => new Uart8250SharedState(new ArrayBuffer(64) as unknown as SharedArrayBuffer),
    ).toThrow(/needs a SharedArrayBuffer/);
    expect(() => new Uart8250SharedState(new SharedArrayBuffer(64))).toThrow(
      /not 8250 UART shared state/,
    );
  });
});

describe('Uart8250 runs of THR writes', () => {
  /** Writes `data` to `uart` at `offset` as a run of `size`-byte accesses, through a bus. */
  function writeRun(uart: Uart8250, offset: number, size: 1 | 2 | 4, data: Uint8Array): void {
    const bus = new PioBus();
    bus.register(0, uart.portCount, uart, 'COM1');
    bus.writeRepeated(offset, size, data);
  }

  it('sends a run to the sink as one chunk while no interrupt is enabled', () => {
    const { uart, irq, sent, transmitted } = setup();
    const run = Uint8Array.from(Buffer.from('login: '));
    expect(uart.writeRepeated(THR, 1, run)).toBe(true);
    run.fill(0);
    expect(sent.map((bytes) => bytes.length)).toEqual([7]);
    expect(Buffer.from(transmitted()).toString()).toBe('login: ');
    expect(inb(uart, LSR)).toBe(0x60);
    expect(irq.pulses).toBe(0);
    outb(uart, IER, 0x02);
    expect(irq.pulses).toBe(1);
    expect(inb(uart, IIR)).toBe(0x02);
  });

  it('writes access by access while an interrupt is enabled, pulsing after each byte', () => {
    const { uart, irq, sent } = setup();
    outb(uart, IER, 0x02);
    expect(inb(uart, IIR)).toBe(0x02);
    expect(uart.writeRepeated(THR, 1, Uint8Array.of(0x61))).toBe(false);
    writeRun(uart, THR, 1, Uint8Array.of(0x61, 0x62, 0x63));
    expect(sent.map((bytes) => [...bytes])).toEqual([[0x61], [0x62], [0x63]]);
    expect(irq.pulses).toBe(4);
  });

  it('loads the divisor latch or loops back instead of transmitting when those are on', () => {
    const { uart, sent, transmitted } = setup();
    outb(uart, LCR, 0x83);
    writeRun(uart, THR, 1, Uint8Array.of(0x05, 0x06));
    expect([inb(uart, 0), inb(uart, 1)]).toEqual([0x06, 0]);
    outb(uart, LCR, 0x03);
    outb(uart, MCR, 0x10);
    writeRun(uart, THR, 1, Uint8Array.of(0x71));
    expect(inb(uart, 0)).toBe(0x71);
    expect(sent).toEqual([]);
    outb(uart, MCR, 0x00);
    writeRun(uart, SCR, 2, Uint8Array.of(0x11, 0x22));
    expect(inb(uart, SCR)).toBe(0x11);
    expect(transmitted()).toEqual([]);
  });
});

describe('Uart8250 transmit buffering', () => {
  function bufferingSetup() {
    const state = Uart8250SharedState.create();
    const calls: boolean[] = [];
    const uart = new Uart8250({
      state,
      sink: () => undefined,
      irq: new CountingLine(),
      transmitBuffering: (buffered) => calls.push(buffered),
    });
    return { uart, calls };
  }

  it('allows buffered THR writes from reset, while no interrupt is enabled', () => {
    const { uart, calls } = bufferingSetup();
    expect(calls).toEqual([true]);
    outb(uart, THR, 0x41);
    outb(uart, SCR, 0x41);
    expect(calls).toEqual([true]);
  });

  it('stops while any interrupt is enabled, and says so only on changes', () => {
    const { uart, calls } = bufferingSetup();
    outb(uart, IER, 0x01);
    outb(uart, IER, 0x03);
    outb(uart, IER, 0x00);
    expect(calls).toEqual([true, false, true]);
  });

  it('stops while the divisor latch or loopback is on', () => {
    const { uart, calls } = bufferingSetup();
    outb(uart, LCR, 0x83);
    outb(uart, LCR, 0x03);
    outb(uart, MCR, 0x10);
    outb(uart, MCR, 0x0b);
    expect(calls).toEqual([true, false, true, false, true]);
  });
});
