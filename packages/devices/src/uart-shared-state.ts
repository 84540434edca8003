import { SharedReceiveFifo, uartStateCapacity } from './shared-receive-fifo.js';

/** Where a UART's shared state keeps its receive FIFO, and how errors name it. */
export interface UartStateLayout {
  /** Bytes of registers before the FIFO's storage (word 0 holds the FIFO's capacity). */
  readonly headerBytes: number;
  /** Word index of the count of bytes ever written into the FIFO. */
  readonly head: number;
  /** Word index of the count of bytes ever read from the FIFO. */
  readonly tail: number;
  /** The UART's name in error messages, e.g. `PL011`. */
  readonly device: string;
  /** The name of the subclass whose `create()` allocates the state. */
  readonly stateClass: string;
}

/**
 * What every UART's cross-thread state has: one `SharedArrayBuffer` holding 32-bit register
 * words and a receive FIFO ({@link SharedReceiveFifo}) that the main thread fills with
 * keystrokes and the device drains. Subclasses ({@link Uart8250SharedState},
 * {@link Pl011SharedState}) add their registers, kept in {@link UartSharedState.words}.
 */
export abstract class UartSharedState {
  /** The shared memory holding the state; post it to another thread to share the UART. */
  readonly buffer: SharedArrayBuffer;
  /** How many received bytes the FIFO holds before further input is dropped. */
  readonly capacity: number;
  /** The register words, for the subclass's own registers. */
  protected readonly words: Uint32Array;
  /** The receive FIFO. */
  protected readonly fifo: SharedReceiveFifo;

  /** Wraps `buffer`, checked against `layout` (a `DeviceConfigError` when it does not fit). */
  protected constructor(buffer: SharedArrayBuffer, layout: UartStateLayout) {
    const { headerBytes, head, tail, device, stateClass } = layout;
    this.capacity = uartStateCapacity(buffer, headerBytes, device, stateClass);
    this.buffer = buffer;
    this.words = new Uint32Array(buffer, 0, headerBytes / 4);
    this.fifo = new SharedReceiveFifo(
      this.words,
      head,
      tail,
      new Uint8Array(buffer, headerBytes, this.capacity),
    );
  }

  /** How many received bytes wait in the FIFO. */
  get receivedCount(): number {
    return this.fifo.count;
  }

  /**
   * Appends as many of `bytes` as fit to the FIFO and returns how many were taken; the rest are
   * not stored. Producer side (the main thread's input) only.
   */
  enqueue(bytes: Uint8Array): number {
    return this.fifo.enqueue(bytes);
  }

  /** Takes the oldest received byte, or `undefined` if none. Consumer side (the device) only. */
  dequeue(): number | undefined {
    return this.fifo.dequeue();
  }
}
