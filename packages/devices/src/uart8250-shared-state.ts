import { DeviceConfigError } from './errors.js';

/** Word index of the ring capacity in bytes (a power of two, fixed at creation). */
const CAPACITY = 0;
/** Word index of the guest's interrupt-enable register (IER, low 4 bits). */
const IER = 1;
/** Word index of the overrun flag: 1 when received bytes were dropped since the guest read LSR. */
const OVERRUN = 2;
/** Word index of the count of bytes ever written into the ring (wraps at 2^32). */
const HEAD = 3;
/** Word index of the count of bytes ever read from the ring (wraps at 2^32). */
const TAIL = 4;
/** Bytes before the ring storage: the words above, padded to 32 bytes. */
const HEADER_BYTES = 32;
/** Largest ring the layout allows (head and tail counters wrap at 2^32). */
const MAX_CAPACITY = 1 << 30;

/**
 * The part of a 16550A UART that two threads must see: the receive FIFO, filled by the main
 * thread (keystrokes from stdin) and drained by the vCPU worker that runs the device, plus the
 * registers the main thread needs to decide whether new input interrupts the guest.
 *
 * Everything lives in one `SharedArrayBuffer` so the same state can be posted to another thread
 * and wrapped there with `new Uart8250SharedState(buffer)`. Layout, as 32-bit words: 0 capacity,
 * 1 IER, 2 overrun flag, 3 head (bytes ever written), 4 tail (bytes ever read); the ring's bytes
 * start at byte 32, byte `n` of the stream at `32 + n % capacity`. The ring is single-producer,
 * single-consumer: only the main thread calls {@link enqueue} and {@link flagOverrun}; only the
 * device's thread calls {@link dequeue}, {@link discardReceived} and {@link takeOverrun}.
 */
export class Uart8250SharedState {
  /** The default receive FIFO capacity in bytes. */
  static readonly DEFAULT_CAPACITY = 4096;

  /** The shared memory holding the state; post it to the other thread to share the UART. */
  readonly buffer: SharedArrayBuffer;
  /** How many received bytes the FIFO holds before further input is dropped. */
  readonly capacity: number;
  readonly #words: Uint32Array;
  readonly #bytes: Uint8Array;
  readonly #mask: number;

  /**
   * Allocates fresh state with a receive FIFO of `capacity` bytes (a power of two, at least 16,
   * at most 2^30).
   */
  static create(capacity: number = Uart8250SharedState.DEFAULT_CAPACITY): Uart8250SharedState {
    if (!Number.isInteger(capacity) || capacity < 16 || capacity > MAX_CAPACITY) {
      throw new DeviceConfigError(
        `8250 UART receive FIFO capacity ${capacity} is out of range: use a power of two from 16 to ${MAX_CAPACITY}`,
      );
    }
    if ((capacity & (capacity - 1)) !== 0) {
      throw new DeviceConfigError(
        `8250 UART receive FIFO capacity ${capacity} is not a power of two: use e.g. ${Uart8250SharedState.DEFAULT_CAPACITY}`,
      );
    }
    const buffer = new SharedArrayBuffer(HEADER_BYTES + capacity);
    new Uint32Array(buffer, 0, HEADER_BYTES / 4)[CAPACITY] = capacity;
    return new Uart8250SharedState(buffer);
  }

  /** Wraps state that {@link create} allocated, typically in another thread. */
  constructor(buffer: SharedArrayBuffer) {
    if (Object.prototype.toString.call(buffer) !== '[object SharedArrayBuffer]') {
      throw new DeviceConfigError(
        '8250 UART shared state needs a SharedArrayBuffer: allocate it with Uart8250SharedState.create() and pass its .buffer',
      );
    }
    const capacity =
      buffer.byteLength > HEADER_BYTES
        ? (new Uint32Array(buffer, 0, HEADER_BYTES / 4)[CAPACITY] ?? 0)
        : 0;
    if (
      capacity === 0 ||
      (capacity & (capacity - 1)) !== 0 ||
      buffer.byteLength !== HEADER_BYTES + capacity
    ) {
      throw new DeviceConfigError(
        `a SharedArrayBuffer of ${buffer.byteLength} bytes is not 8250 UART shared state: allocate it with Uart8250SharedState.create()`,
      );
    }
    this.buffer = buffer;
    this.capacity = capacity;
    this.#words = new Uint32Array(buffer, 0, HEADER_BYTES / 4);
    this.#bytes = new Uint8Array(buffer, HEADER_BYTES, capacity);
    this.#mask = capacity - 1;
  }

  /** The guest's interrupt-enable register (IER); the device writes it, the main thread reads it. */
  get interruptEnable(): number {
    return Atomics.load(this.#words, IER);
  }

  /** Sets the interrupt-enable register; called by the device when the guest writes IER. */
  set interruptEnable(value: number) {
    Atomics.store(this.#words, IER, value);
  }

  /** How many received bytes wait in the FIFO. */
  get receivedCount(): number {
    return (Atomics.load(this.#words, HEAD) - Atomics.load(this.#words, TAIL)) >>> 0;
  }

  /**
   * Appends as many of `bytes` as fit to the FIFO and returns how many were taken; the rest are
   * not stored. Producer side (main thread) only.
   */
  enqueue(bytes: Uint8Array): number {
    const head = Atomics.load(this.#words, HEAD);
    const used = (head - Atomics.load(this.#words, TAIL)) >>> 0;
    const count = Math.min(this.capacity - used, bytes.length);
    const start = head & this.#mask;
    const first = Math.min(count, this.capacity - start);
    this.#bytes.set(bytes.subarray(0, first), start);
    this.#bytes.set(bytes.subarray(first, count), 0);
    Atomics.store(this.#words, HEAD, (head + count) >>> 0);
    return count;
  }

  /** Takes the oldest received byte, or `undefined` if none. Consumer side (device) only. */
  dequeue(): number | undefined {
    const tail = Atomics.load(this.#words, TAIL);
    if (Atomics.load(this.#words, HEAD) === tail) return undefined;
    const value = this.#bytes[tail & this.#mask];
    Atomics.store(this.#words, TAIL, (tail + 1) >>> 0);
    return value;
  }

  /** Drops every received byte (the guest cleared the receive FIFO). Consumer side only. */
  discardReceived(): void {
    Atomics.store(this.#words, TAIL, Atomics.load(this.#words, HEAD));
  }

  /** Records that received bytes were dropped because the FIFO was full. Producer side only. */
  flagOverrun(): void {
    Atomics.store(this.#words, OVERRUN, 1);
  }

  /** Reads and clears the overrun flag, as a guest read of LSR does. Consumer side only. */
  takeOverrun(): boolean {
    return Atomics.exchange(this.#words, OVERRUN, 0) !== 0;
  }

  /** Whether bytes were dropped since the last {@link takeOverrun}, without clearing the flag. */
  get overrun(): boolean {
    return Atomics.load(this.#words, OVERRUN) !== 0;
  }
}
