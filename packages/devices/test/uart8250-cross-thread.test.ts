import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Uart8250, Uart8250SharedState } from '../src/index.js';
import { CountingLine, inb, outb } from './port-io.js';

const IER_OFFSET = 1;
const LSR_OFFSET = 5;
const workerUrl = new URL('./fixtures/uart-input-worker.mjs', import.meta.url);
const distUrl = new URL('../dist/index.js', import.meta.url);

describe('Uart8250 across threads', () => {
  it('reads, in order, bytes a worker thread pushes into the same SharedArrayBuffer', async () => {
    expect(existsSync(distUrl), 'the worker imports dist/: run the package build first').toBe(true);
    const state = Uart8250SharedState.create(256);
    const uart = new Uart8250({ state, sink: () => {}, irq: new CountingLine() });
    outb(uart, IER_OFFSET, 0x01);
    const pulseBuffer = new SharedArrayBuffer(4);
    const total = 64 * 1024;
    const worker = new Worker(workerUrl, {
      workerData: { buffer: state.buffer, pulseBuffer, total, chunk: 100 },
    });
    const done = once(worker, 'message');
    const received = new Uint8Array(total);
    let count = 0;
    const deadline = Date.now() + 20_000;
    while (count < total && Date.now() < deadline) {
      while (count < total && (inb(uart, LSR_OFFSET) & 0x01) !== 0) {
        received[count++] = inb(uart, 0);
      }
      if (count < total) await new Promise((resolve) => setImmediate(resolve));
    }
    const [result] = (await done) as [{ sent: number; refused: number }];
    await worker.terminate();
    expect(count).toBe(total);
    expect(result.sent).toBe(total);
    expect(received.every((byte, i) => byte === (i & 0xff))).toBe(true);
    expect(inb(uart, LSR_OFFSET) & 0x01).toBe(0);
    const pulses = Atomics.load(new Int32Array(pulseBuffer), 0);
    expect(pulses).toBeGreaterThan(0);
    expect(pulses).toBeLessThanOrEqual(Math.ceil(total / 100) + result.refused);
  });
});
