import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ConsoleInput } from '../src/arch-profile.js';
import { ConsoleStream } from '../src/console-stream.js';
import { SharedByteRing } from '../src/shared-byte-ring.js';

const TIMING = { batchMs: 0, inputRetryMs: 1 };
const RING_CAPACITY = 1024;

/** A receive FIFO with room for `room` bytes at each offer, recording what it took. */
function fifo(room: number): ConsoleInput & { readonly taken: number[]; largestOffer: number } {
  const taken: number[] = [];
  return {
    taken,
    largestOffer: 0,
    get space() {
      return room;
    },
    push(bytes: Uint8Array) {
      this.largestOffer = Math.max(this.largestOffer, bytes.length);
      const accepted = Math.min(room, bytes.length);
      taken.push(...bytes.subarray(0, accepted));
      return accepted;
    },
  };
}

/** Byte `index` of the guest output the tests write: a pattern, so order and loss both show. */
function outputByte(index: number): number {
  return (index * 31 + 7) & 0xff;
}

/**
 * Plays a vCPU thread writing `total` bytes of output into `ring`, 256 at a time, as fast as
 * the ring takes them; the test's own thread must not block, so it only writes what fits and
 * otherwise yields. Resolves with how many bytes it wrote once `total` are in or `rounds`
 * attempts have passed.
 */
async function produce(
  ring: SharedByteRing,
  from: number,
  total: number,
  rounds: number,
): Promise<number> {
  let written = from;
  for (let round = 0; round < rounds && written < total; round++) {
    const count = Math.min(256, total - written, ring.capacity - ring.available);
    if (count > 0) {
      ring.write(Uint8Array.from({ length: count }, (_, i) => outputByte(written + i)));
      written += count;
    }
    await delay(1);
  }
  return written;
}

describe('ConsoleStream', () => {
  it('holds guest output back while nobody reads it, then delivers all of it in order', async () => {
    const ring = SharedByteRing.create(RING_CAPACITY);
    const console = new ConsoleStream(ring, fifo(16), TIMING);
    const total = 200 * 1024;
    const unread = await produce(ring, 0, total, 400);
    const limit = console.duplex.readableHighWaterMark + RING_CAPACITY;
    expect(unread).toBeLessThan(total);
    expect(console.duplex.readableLength).toBeLessThanOrEqual(limit);
    expect(ring.available).toBe(RING_CAPACITY);

    const received: Buffer[] = [];
    console.duplex.on('data', (chunk: Buffer) => received.push(chunk));
    const written = await produce(ring, unread, total, 20_000);
    expect(written).toBe(total);
    ring.close();
    await console.pumped;
    const output = Buffer.concat(received);
    expect(output.length).toBe(total);
    expect(output.every((byte, index) => byte === outputByte(index))).toBe(true);
  });

  it('lets the rest through once released, so an unread console cannot hold up the end', async () => {
    const ring = SharedByteRing.create(RING_CAPACITY);
    const console = new ConsoleStream(ring, fifo(16), TIMING);
    const offered = await produce(ring, 0, 64 * 1024, 200);
    expect(ring.available).toBe(RING_CAPACITY);
    console.release();
    ring.close();
    await console.pumped;
    expect(ring.available).toBe(0);
    expect(console.duplex.readableLength).toBe(offered);
  });

  it('feeds input to the receive FIFO no faster than it has room, and loses none', async () => {
    const ring = SharedByteRing.create(RING_CAPACITY);
    const input = fifo(3);
    const console = new ConsoleStream(ring, input, TIMING);
    const typed = 'echo typed-42\n';
    await new Promise<void>((resolve, reject) =>
      console.duplex.write(typed, (error) => (error ? reject(error) : resolve())),
    );
    expect(Buffer.from(input.taken).toString()).toBe(typed);
    expect(input.largestOffer).toBe(3);
    console.release();
    ring.close();
    await console.pumped;
  });
});
