import { describe, expect, it } from 'vitest';
import { INLINE_READ_VALUE_MASK } from '@vmm/core';
import { Uart8250, Uart8250Input, Uart8250SharedState } from '../src/index.js';
import { CountingLine, inb, outb } from './port-io.js';

const RBR_THR = 0;
const IER = 1;
const FCR = 2;
const MCR = 4;
const LSR = 5;
const MCR_LOOP = 0x10;

function setup() {
  const state = Uart8250SharedState.create(16);
  const uart = new Uart8250({ state, sink: () => undefined, irq: new CountingLine() });
  const input = new Uart8250Input({
    state: new Uart8250SharedState(state.buffer),
    irq: new CountingLine(),
  });
  const image = () => state.lineStatusImage[0]!;
  const deferred = () => (image() & ~INLINE_READ_VALUE_MASK) !== 0;
  return { state, uart, input, image, deferred };
}

/** A small deterministic generator (xorshift32), so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('Uart8250SharedState.lineStatusImage', () => {
  it('starts as an idle line: THRE and TEMT, nothing received, nothing deferred', () => {
    const { image, uart } = setup();
    expect(image()).toBe(0x60);
    expect(inb(uart, LSR)).toBe(0x60);
  });

  it('shows DR while received bytes wait and drops it once the guest has read them', () => {
    const { image, input, uart } = setup();
    input.push(Uint8Array.of(0x41, 0x42));
    expect(image()).toBe(0x61);
    expect(inb(uart, RBR_THR)).toBe(0x41);
    expect(image()).toBe(0x61);
    expect(inb(uart, RBR_THR)).toBe(0x42);
    expect(image()).toBe(0x60);
  });

  it('defers reads while an overrun waits to be reported, until LSR has been read', () => {
    const { deferred, input, uart, image } = setup();
    input.push(new Uint8Array(20));
    expect(deferred()).toBe(true);
    expect(inb(uart, LSR)).toBe(0x63);
    expect(deferred()).toBe(false);
    expect(image()).toBe(0x61);
  });

  it('defers reads in loopback and while looped-back bytes remain after it', () => {
    const { deferred, uart } = setup();
    outb(uart, MCR, MCR_LOOP);
    expect(deferred()).toBe(true);
    outb(uart, RBR_THR, 0x55);
    outb(uart, MCR, 0);
    expect(deferred()).toBe(true);
    expect(inb(uart, RBR_THR)).toBe(0x55);
    expect(deferred()).toBe(false);
  });

  it('matches what an LSR read returns whenever it does not defer, over random traffic', () => {
    for (const seed of [1, 2, 3, 0xdead, 0xbeef]) {
      const { state, uart, input, image, deferred } = setup();
      const next = random(seed);
      for (let step = 0; step < 2000; step++) {
        const choice = next();
        if (choice < 0.2) input.push(new Uint8Array(1 + Math.floor(next() * 6)).fill(step & 0xff));
        else if (choice < 0.45) inb(uart, RBR_THR);
        else if (choice < 0.55) outb(uart, MCR, next() < 0.5 ? MCR_LOOP : 0);
        else if (choice < 0.65) outb(uart, RBR_THR, step & 0xff);
        else if (choice < 0.7) outb(uart, FCR, 0x07);
        else if (choice < 0.75) outb(uart, IER, next() < 0.5 ? 0x01 : 0);
        else if (!deferred()) expect(inb(uart, LSR), `seed ${seed}, step ${step}`).toBe(image());
        else inb(uart, LSR);
        const mustDefer = state.overrun || (state.mcr & MCR_LOOP) !== 0 || state.loopedCount > 0;
        if (mustDefer) expect(deferred(), `seed ${seed}, step ${step}`).toBe(true);
      }
    }
  });
});
