/** Header slots (Int32) of a {@link SharedByteRing}. */
const WRITTEN = 0;
const READ = 1;
const CLOSED = 2;
/** 1 while the consumer sleeps waiting for bytes: the one time a producer must wake it. */
const CONSUMER_WAITING = 3;
/** The producers' lock: 0 free, 1 held, 2 held with a producer waiting for it. */
const WRITER_LOCK = 4;
const HEADER_BYTES = 32;

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;

/**
 * A many-producer, single-consumer byte stream between threads over a SharedArrayBuffer.
 * Producers (vCPU workers) take a short lock per write and never drop a byte: when the ring is
 * full they wait for the consumer. A write costs no system call and no cross-thread message
 * unless the consumer is asleep on an empty ring: only then does the producer wake it. The
 * consumer (the main thread) waits without blocking its event loop (`Atomics.waitAsync`) and
 * takes everything written since, so a burst of guest output is handed over in batches.
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

  /** Bytes written and not yet taken. */
  get available(): number {
    return (Atomics.load(this.#header, WRITTEN) - Atomics.load(this.#header, READ)) >>> 0;
  }

  /** Producer: appends `bytes`, waiting (blocking this thread) while the ring is full. */
  write(bytes: Uint8Array): void {
    this.#lock();
    try {
      this.#append(bytes);
    } finally {
      this.#unlock();
    }
  }

  /** A futex-style mutex: uncontended, a lock and an unlock are one atomic operation each. */
  #lock(): void {
    const header = this.#header;
    if (Atomics.compareExchange(header, WRITER_LOCK, UNLOCKED, LOCKED) === UNLOCKED) return;
    while (Atomics.exchange(header, WRITER_LOCK, CONTENDED) !== UNLOCKED) {
      Atomics.wait(header, WRITER_LOCK, CONTENDED);
    }
  }

  #unlock(): void {
    if (Atomics.exchange(this.#header, WRITER_LOCK, UNLOCKED) === CONTENDED) {
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
        this.#wakeConsumer();
        Atomics.wait(this.#header, READ, read, 100);
        continue;
      }
      const count = Math.min(free, bytes.length - offset);
      for (let i = 0; i < count; i++) {
        this.#data[((written >>> 0) + i) % this.capacity] = bytes[offset + i]!;
      }
      offset += count;
      Atomics.store(this.#header, WRITTEN, (written + count) | 0);
      this.#wakeConsumer();
    }
  }

  #wakeConsumer(): void {
    if (Atomics.compareExchange(this.#header, CONSUMER_WAITING, 1, 0) === 1) {
      Atomics.notify(this.#header, CONSUMER_WAITING);
    }
  }

  /** Producer: marks the end of the stream and wakes the consumer. */
  close(): void {
    Atomics.store(this.#header, CLOSED, 1);
    Atomics.store(this.#header, CONSUMER_WAITING, 0);
    Atomics.notify(this.#header, CONSUMER_WAITING);
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
      const batch = this.take();
      if (batch.length > 0) return batch;
      if (this.closed) return this.take();
      Atomics.store(this.#header, CONSUMER_WAITING, 1);
      if (this.available > 0 || this.closed) {
        Atomics.store(this.#header, CONSUMER_WAITING, 0);
        continue;
      }
      const waiting = Atomics.waitAsync(this.#header, CONSUMER_WAITING, 1);
      if (waiting.async) await waiting.value;
    }
  }
}
