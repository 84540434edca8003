import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SharedByteRing } from '../src/shared-byte-ring.js';

describe('SharedByteRing', () => {
  it('hands bytes over in order and wraps around its end', () => {
    const ring = SharedByteRing.create(8);
    ring.write(Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect([...ring.take()]).toEqual([1, 2, 3, 4, 5, 6]);
    ring.write(Uint8Array.of(7, 8, 9, 10, 11));
    expect([...ring.take()]).toEqual([7, 8, 9, 10, 11]);
    expect(ring.take().length).toBe(0);
  });

  it('wakes an asynchronous reader and reports the end after draining', async () => {
    const ring = SharedByteRing.create(16);
    const first = ring.next();
    ring.write(Uint8Array.of(0x41));
    expect([...(await first)]).toEqual([0x41]);
    ring.write(Uint8Array.of(0x42));
    ring.close();
    expect([...(await ring.next())]).toEqual([0x42]);
    expect((await ring.next()).length).toBe(0);
  });

  it('loses nothing when a writer thread outpaces a small ring', async () => {
    const ring = SharedByteRing.create(64);
    const total = 20_000;
    const worker = new Worker(
      `
      const { workerData } = require('node:worker_threads');
      const header = new Int32Array(workerData, 0, 8);
      const data = new Uint8Array(workerData, 32);
      // The writer side of SharedByteRing, as the compiled class does it, byte by byte.
      for (let i = 0; i < ${total}; i++) {
        for (;;) {
          const written = Atomics.load(header, 0), read = Atomics.load(header, 1);
          if (((written - read) >>> 0) < data.length) {
            data[(written >>> 0) % data.length] = i & 0xff;
            Atomics.store(header, 0, (written + 1) | 0);
            Atomics.add(header, 3, 1);
            Atomics.notify(header, 3);
            break;
          }
          Atomics.wait(header, 1, read, 100);
        }
      }
      Atomics.store(header, 2, 1);
      Atomics.add(header, 3, 1);
      Atomics.notify(header, 3);
      `,
      { eval: true, workerData: ring.buffer },
    );
    const received: number[] = [];
    for (;;) {
      const batch = await ring.next();
      if (batch.length === 0) break;
      received.push(...batch);
    }
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(received.length).toBe(total);
    expect(received.every((byte, i) => byte === (i & 0xff))).toBe(true);
  });
});
