import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { MmioDevice } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { Pl011 } from '../src/pl011.js';
import { Pl011SharedState } from '../src/pl011-shared-state.js';

const DR = 0x000;
const FR = 0x018;
const IMSC = 0x038;
const MIS = 0x040;
const RXIS_RTIS = 0x50;
const workerUrl = new URL('./fixtures/pl011-input-worker.mjs', import.meta.url);
const distUrl = new URL('../dist/index.js', import.meta.url);

// The worker imports the built package; dist/ has the PL011 once src/index.ts exports it and the
// package is built.
const built = existsSync(distUrl) && 'Pl011Input' in (await import(distUrl.href));
if (!built) {
  console.warn(
    `skipping the PL011 cross-thread test: ${distUrl.pathname} does not export Pl011Input ` +
      '(export it from src/index.ts and build the package)',
  );
}

function readl(device: MmioDevice, offset: number): number {
  const data = new Uint8Array(4);
  device.read(offset, data);
  return new DataView(data.buffer).getUint32(0, true);
}

describe.skipIf(!built)('Pl011 across threads', () => {
  it('reads in order what a worker pushes, and the shared line ends at the right level', async () => {
    const state = Pl011SharedState.create(256);
    const lineBuffer = new SharedArrayBuffer(8);
    const line = new Int32Array(lineBuffer);
    const uart = new Pl011({
      state,
      sink: () => {},
      irq: {
        setLevel: (asserted) => Atomics.store(line, 0, asserted ? 1 : 0),
        pulse: () => {
          throw new Error('the PL011 line is level triggered and must not be pulsed');
        },
      },
    });
    const data = new Uint8Array(4);
    new DataView(data.buffer).setUint32(0, RXIS_RTIS, true);
    uart.write(IMSC, data);
    const total = 64 * 1024;
    const worker = new Worker(workerUrl, {
      workerData: { moduleUrl: distUrl.href, buffer: state.buffer, lineBuffer, total, chunk: 100 },
    });
    const done = once(worker, 'message');
    const received = new Uint8Array(total);
    let count = 0;
    const deadline = Date.now() + 20_000;
    while (count < total - 1 && Date.now() < deadline) {
      while (count < total - 1 && (readl(uart, FR) & 0x10) === 0) {
        received[count++] = readl(uart, DR);
      }
      if (count < total - 1) await new Promise((resolve) => setImmediate(resolve));
    }
    const [result] = (await done) as [{ sent: number; refused: number }];
    await worker.terminate();
    expect(result.sent).toBe(total);
    // One byte still waits: the line must be high whoever drove it last.
    expect(readl(uart, MIS)).toBe(RXIS_RTIS);
    expect(Atomics.load(line, 0)).toBe(1);
    received[count++] = readl(uart, DR);
    expect(Atomics.load(line, 0)).toBe(0);
    expect(count).toBe(total);
    expect(received.every((byte, i) => byte === (i & 0xff))).toBe(true);
    expect(Atomics.load(line, 1)).toBeGreaterThan(0);
  });
});
