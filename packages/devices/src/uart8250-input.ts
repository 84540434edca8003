import type { InterruptLine } from '@vmm/core';
import { IER_RDI, IER_RLSI } from './uart8250-registers.js';
import type { Uart8250SharedState } from './uart8250-shared-state.js';

/** What a {@link Uart8250Input} is built from. */
export interface Uart8250InputOptions {
  /** The same shared state (or a wrapper of the same buffer) the {@link Uart8250} device uses. */
  readonly state: Uart8250SharedState;
  /** The UART's interrupt line; must be safe to pulse from this thread. */
  readonly irq: InterruptLine;
}

/**
 * The receiving end of a {@link Uart8250} as the main thread sees it: it feeds keystrokes into
 * the shared receive FIFO and interrupts the guest. Only one `Uart8250Input` may feed a given
 * state (the FIFO is single-producer).
 */
export class Uart8250Input {
  readonly #state: Uart8250SharedState;
  readonly #irq: InterruptLine;

  /** Creates the input side around shared `state`. */
  constructor(options: Uart8250InputOptions) {
    this.#state = options.state;
    this.#irq = options.irq;
  }

  /**
   * Queues `bytes` for the guest and returns how many were accepted. When the FIFO fills up the
   * rest are dropped and the overrun bit (LSR bit 1) is set for the guest to see. The line is
   * pulsed once if received-data interrupts (IER bit 0) are on and bytes were accepted, or if
   * line-status interrupts (IER bit 2) are on and bytes were dropped. It is pulsed on every
   * such push, not only when the FIFO was empty: the device drains the FIFO concurrently, so
   * "was empty" cannot be known without a race that would lose the interrupt.
   */
  push(bytes: Uint8Array): number {
    const accepted = this.#state.enqueue(bytes);
    const dropped = accepted < bytes.length;
    if (dropped) this.#state.flagOverrun();
    const ier = this.#state.interruptEnable;
    if ((accepted > 0 && ier & IER_RDI) || (dropped && ier & IER_RLSI)) this.#irq.pulse();
    return accepted;
  }

  /** How many bytes the FIFO can still accept. */
  get space(): number {
    return this.#state.capacity - this.#state.receivedCount;
  }
}
