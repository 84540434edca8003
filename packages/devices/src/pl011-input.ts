import type { InterruptLine } from '@vmm/core';
import type { Pl011SharedState } from './pl011-shared-state.js';

/** What a {@link Pl011Input} is built from. */
export interface Pl011InputOptions {
  /** The same shared state (or a wrapper of the same buffer) the `Pl011` device uses. */
  readonly state: Pl011SharedState;
  /**
   * The UART's interrupt line, safe to drive from this thread; it must drive the same interrupt
   * input as the device's line.
   */
  readonly irq: InterruptLine;
}

/**
 * The receiving end of a `Pl011` as the main thread sees it: it feeds keystrokes into the shared
 * receive FIFO and raises the guest's interrupt line when the guest has unmasked the receive
 * interrupts. Only one `Pl011Input` may feed a given state (the FIFO is single-producer).
 */
export class Pl011Input {
  readonly #state: Pl011SharedState;
  readonly #irq: InterruptLine;

  /** Creates the input side around shared `state`. */
  constructor(options: Pl011InputOptions) {
    this.#state = options.state;
    this.#irq = options.irq;
  }

  /**
   * Queues `bytes` for the guest and returns how many were accepted. When the FIFO fills up the
   * rest are dropped and an overrun is recorded (RSR.OE and the OEIS interrupt). The line's level
   * is then brought up to date from the shared state (high when UARTIMSC unmasks RXIM, RTIM or
   * OEIM), through {@link Pl011SharedState.updateLine}, which never waits on the device's thread.
   */
  push(bytes: Uint8Array): number {
    const accepted = this.#state.enqueue(bytes);
    if (accepted < bytes.length) this.#state.flagOverrun();
    if (bytes.length > 0) this.#state.updateLine(this.#irq);
    return accepted;
  }

  /** How many bytes the FIFO can still accept. */
  get space(): number {
    return this.#state.capacity - this.#state.receivedCount;
  }
}
