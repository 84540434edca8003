import { DeviceConfigError } from './errors.js';

/** Word 0 of a UART's shared state: the receive FIFO's capacity in bytes. */
const CAPACITY_WORD = 0;
/** Smallest receive FIFO a shared UART state may have. */
const MIN_CAPACITY = 16;
/** Largest receive FIFO (the head and tail counters wrap at 2^32). */
const MAX_CAPACITY = 1 << 30;

/**
 * The receive FIFO of a UART whose input arrives on another thread: a single-producer,
 * single-consumer byte ring inside the UART's SharedArrayBuffer. The producer (the main
 * thread's input side) only enqueues; the consumer (the device, on a vCPU thread) only dequeues
 * and discards. Two words of the state count the bytes ever written (head) and ever read (tail),
 * wrapping at 2^32; byte `n` of the stream sits at `n % capacity` of the ring storage.
 */
export class SharedReceiveFifo {
  /** How many bytes the FIFO holds before further input is refused. */
  readonly capacity: number;
  readonly #words: Uint32Array;
  readonly #head: number;
  readonly #tail: number;
  readonly #bytes: Uint8Array;
  readonly #mask: number;

  /** A FIFO over `bytes` (a power-of-two length), counting in `words[head]` and `words[tail]`. */
  constructor(words: Uint32Array, head: number, tail: number, bytes: Uint8Array) {
    this.capacity = bytes.length;
    this.#words = words;
    this.#head = head;
    this.#tail = tail;
    this.#bytes = bytes;
    this.#mask = bytes.length - 1;
  }

  /** How many received bytes wait. */
  get count(): number {
    return (Atomics.load(this.#words, this.#head) - Atomics.load(this.#words, this.#tail)) >>> 0;
  }

  /** Appends as many of `bytes` as fit and returns how many were taken. Producer only. */
  enqueue(bytes: Uint8Array): number {
    const head = Atomics.load(this.#words, this.#head);
    const used = (head - Atomics.load(this.#words, this.#tail)) >>> 0;
    const count = Math.min(this.capacity - used, bytes.length);
    const start = head & this.#mask;
    const first = Math.min(count, this.capacity - start);
    this.#bytes.set(bytes.subarray(0, first), start);
    this.#bytes.set(bytes.subarray(first, count), 0);
    Atomics.store(this.#words, this.#head, (head + count) >>> 0);
    return count;
  }

  /** Takes the oldest byte, or `undefined` if none. Consumer only. */
  dequeue(): number | undefined {
    const tail = Atomics.load(this.#words, this.#tail);
    if (Atomics.load(this.#words, this.#head) === tail) return undefined;
    const value = this.#bytes[tail & this.#mask];
    Atomics.store(this.#words, this.#tail, (tail + 1) >>> 0);
    return value;
  }

  /** Drops every waiting byte (the guest cleared the FIFO). Consumer only. */
  discard(): void {
    Atomics.store(this.#words, this.#tail, Atomics.load(this.#words, this.#head));
  }
}

/**
 * Allocates a UART's shared state: `headerBytes` of registers (word 0 holds the capacity)
 * followed by a receive FIFO of `capacity` bytes, a power of two from 16 to 2^30. `device` names
 * the UART in error messages.
 */
export function allocateUartState(
  headerBytes: number,
  capacity: number,
  device: string,
): SharedArrayBuffer {
  if (!Number.isInteger(capacity) || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY) {
    throw new DeviceConfigError(
      `${device} receive FIFO capacity ${capacity} is out of range: use a power of two from ${MIN_CAPACITY} to ${MAX_CAPACITY}`,
    );
  }
  if ((capacity & (capacity - 1)) !== 0) {
    throw new DeviceConfigError(
      `${device} receive FIFO capacity ${capacity} is not a power of two: use e.g. 4096`,
    );
  }
  const buffer = new SharedArrayBuffer(headerBytes + capacity);
  new Uint32Array(buffer, 0, 1)[CAPACITY_WORD] = capacity;
  return buffer;
}

/**
 * Checks that `buffer` is a UART state {@link allocateUartState} made with `headerBytes` of
 * registers, and returns its FIFO capacity. `stateClass` names the class whose `create()` makes
 * one, for the error message.
 */
export function uartStateCapacity(
  buffer: SharedArrayBuffer,
  headerBytes: number,
  device: string,
  stateClass: string,
): number {
  if (Object.prototype.toString.call(buffer) !== '[object SharedArrayBuffer]') {
    throw new DeviceConfigError(
      `${device} shared state needs a SharedArrayBuffer: allocate it with ${stateClass}.create() and pass its .buffer`,
    );
  }
  const capacity =
    buffer.byteLength > headerBytes ? (new Uint32Array(buffer, 0, 1)[CAPACITY_WORD] ?? 0) : 0;
  if (
    capacity === 0 ||
    (capacity & (capacity - 1)) !== 0 ||
    buffer.byteLength !== headerBytes + capacity
  ) {
    throw new DeviceConfigError(
      `a SharedArrayBuffer of ${buffer.byteLength} bytes is not ${device} shared state: allocate it with ${stateClass}.create()`,
    );
  }
  return capacity;
}
