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

  it('loses nothing when writer threads outpace a small ring', async () => {
    const ring = SharedByteRing.create(64);
    const perWriter = 20_000;
    const ringModule = new URL('../dist/index.js', import.meta.url).href;
    // Two writers, each writing bytes tagged with its id (high bit) and a counter (low 7 bits).
    const writers = [0, 1].map(
      (id) =>
        new Worker(
          `
          const { workerData } = require('node:worker_threads');
          import(${JSON.stringify(ringModule)}).then(({ SharedByteRing }) => {
            const ring = new SharedByteRing(workerData);
            for (let i = 0; i < ${perWriter}; i++) ring.write(Uint8Array.of(${id * 0x80} | (i & 0x7f)));
          });
          `,
          { eval: true, workerData: ring.buffer },
        ),
    );
    const ended = Promise.all(
      writers.map((w) => new Promise((resolve) => w.once('exit', resolve))),
    );
    void ended.then(() => ring.close());
    const received: number[] = [];
    let batches = 0;
    for (;;) {
      const batch = await ring.next();
      if (batch.length === 0) break;
      batches++;
      received.push(...batch);
    }
    expect(received.length).toBe(2 * perWriter);
    for (const id of [0, 1]) {
      const mine = received.filter((byte) => byte >> 7 === id).map((byte) => byte & 0x7f);
      expect(mine.length).toBe(perWriter);
      expect(mine.every((value, i) => value === (i & 0x7f))).toBe(true);
    }
    expect(batches).toBeLessThan(2 * perWriter);
  });

  it('wakes a reader that went to sleep on an empty ring, for a single byte', async () => {
    const ring = SharedByteRing.create(16);
    const pending = ring.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    ring.write(Uint8Array.of(7));
    expect([...(await pending)]).toEqual([7]);
  });
});
