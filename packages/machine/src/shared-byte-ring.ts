/** Header slots (Int32) of a {@link SharedByteRing}. */
const WRITTEN = 0;
const READ = 1;
const CLOSED = 2;
/** Bumped on every write and on close: what the consumer waits on. */
const SEQUENCE = 3;
/** Held by the producer that is writing, so several vCPU threads may share one ring. */
const WRITER_LOCK = 4;
const HEADER_BYTES = 32;

/**
 * A many-producer, single-consumer byte stream between threads over a SharedArrayBuffer.
 * Producers (vCPU workers) take a short lock per write and never drop a byte: when the ring is full it
 * waits for the consumer. The consumer (the main thread) waits without blocking its event loop
 * (`Atomics.waitAsync`), so bursts of guest output are handed over in batches, not one message
 * per byte.
 */
export class SharedByteRing {
  readonly #header: Int32Array;
  readonly #data: Uint8Array;

  /** Allocates a ring holding up to `capacity` bytes in flight. */
  static create(capacity = 64 * 1024): SharedByteRing {
    return new SharedByteRing(new SharedArrayBuffer(HEADER_BYTES + capacity));
  }

  /** Wraps a ring's buffer (as posted to another thread). */
  constructor(
    /** The ring's shared memory, to post to other threads. */
    readonly buffer: SharedArrayBuffer,
  ) {
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.#data = new Uint8Array(buffer, HEADER_BYTES);
  }

  /** Bytes the ring holds when full. */
  get capacity(): number {
    return this.#data.length;
  }

  /** Whether the producer has closed the stream. */
  get closed(): boolean {
    return Atomics.load(this.#header, CLOSED) !== 0;
  }

  /** Producer: appends `bytes`, waiting (blocking this thread) while the ring is full. */
  write(bytes: Uint8Array): void {
    while (Atomics.compareExchange(this.#header, WRITER_LOCK, 0, 1) !== 0) {
      Atomics.wait(this.#header, WRITER_LOCK, 1, 1);
    }
    try {
      this.#append(bytes);
    } finally {
      Atomics.store(this.#header, WRITER_LOCK, 0);
      Atomics.notify(this.#header, WRITER_LOCK, 1);
    }
  }

  #append(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) {
      const written = Atomics.load(this.#header, WRITTEN);
      const read = Atomics.load(this.#header, READ);
      const free = this.capacity - ((written - read) >>> 0);
      if (free === 0) {
        Atomics.wait(this.#header, READ, read, 100);
        continue;
      }
      const count = Math.min(free, bytes.length - offset);
      for (let i = 0; i < count; i++) {
        this.#data[((written >>> 0) + i) % this.capacity] = bytes[offset + i]!;
      }
      offset += count;
      Atomics.store(this.#header, WRITTEN, (written + count) | 0);
      Atomics.add(this.#header, SEQUENCE, 1);
      Atomics.notify(this.#header, SEQUENCE);
    }
  }

  /** Producer: marks the end of the stream and wakes the consumer. */
  close(): void {
    Atomics.store(this.#header, CLOSED, 1);
    Atomics.add(this.#header, SEQUENCE, 1);
    Atomics.notify(this.#header, SEQUENCE);
  }

  /** Consumer: takes every byte available now (possibly none). */
  take(): Uint8Array {
    const written = Atomics.load(this.#header, WRITTEN);
    const read = Atomics.load(this.#header, READ);
    const count = (written - read) >>> 0;
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = this.#data[((read >>> 0) + i) % this.capacity]!;
    Atomics.store(this.#header, READ, written);
    Atomics.notify(this.#header, READ);
    return out;
  }

  /**
   * Consumer: resolves with the next batch of bytes once some are available, or with an empty
   * array once the stream is closed and drained. Never blocks the calling thread.
   */
  async next(): Promise<Uint8Array> {
    for (;;) {
      const sequence = Atomics.load(this.#header, SEQUENCE);
      const batch = this.take();
      if (batch.length > 0) return batch;
      if (this.closed) return this.take();
      const waiting = Atomics.waitAsync(this.#header, SEQUENCE, sequence);
      if (waiting.async) await waiting.value;
    }
  }
}
