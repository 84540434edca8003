import { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { ConsoleInput } from './arch-profile.js';
import type { SharedByteRing } from './shared-byte-ring.js';

/** How {@link ConsoleStream} paces the two directions. */
export interface ConsoleStreamTiming {
  /**
   * How long the pump lets guest output gather after handing a batch on: at most this much
   * added latency, in exchange for one wake-up of the main thread per burst rather than per
   * byte (each wake-up is work on another host CPU while the guest runs).
   */
  readonly batchMs: number;
  /** How long to wait before offering the guest keystrokes its full receive FIFO refused. */
  readonly inputRetryMs: number;
}

/** The timing a machine's console runs with. */
export const CONSOLE_TIMING: ConsoleStreamTiming = { batchMs: 4, inputRetryMs: 5 };

/**
 * A machine's serial console as one Duplex, {@link ConsoleStream.duplex}.
 *
 * Output: the guest's bytes, taken from the console ring (written by the vCPU threads) in
 * batches. The pump takes only as fast as the reader reads: once the Duplex's buffer is full
 * (`push` returns false, as it does while nobody reads or the reader's own destination, such as a
 * paused terminal, is slow) it stops taking until the reader asks for more. The ring then fills
 * and the vCPU threads that write to it wait (`SharedByteRing.write`): guest output is held
 * back, neither dropped nor piled up in memory without bound. {@link ConsoleStream.release}
 * lifts the limit for good, for a VM that is ending: what is left of its output then goes
 * into the Duplex whether read or not, so a reader that never comes cannot hold up the end.
 *
 * Input: writes go to the UART's receive FIFO, never more than it has room for (so the guest
 * sees no overrun); the rest is offered again shortly, and the write completes only once every
 * byte is in. Nothing typed is lost.
 */
export class ConsoleStream {
  /** The console: readable guest output, writable guest input. */
  readonly duplex: Duplex;
  /** Settles once the ring is closed and all its output has been pushed, and the end after it. */
  readonly pumped: Promise<void>;
  readonly #ring: SharedByteRing;
  readonly #batchMs: number;
  /** Resolves the pump's wait for the reader, while it waits. */
  #readerWants: (() => void) | undefined;
  #released = false;

  /** Pumps `ring` into the Duplex's readable side and feeds its writable side to `input`. */
  constructor(ring: SharedByteRing, input: ConsoleInput, timing = CONSOLE_TIMING) {
    this.#ring = ring;
    this.#batchMs = timing.batchMs;
    this.duplex = new Duplex({
      read: () => this.#wakePump(),
      write(chunk: Buffer, _encoding, callback) {
        let pending = new Uint8Array(chunk);
        const offer = (): void => {
          pending = pending.subarray(input.push(pending.subarray(0, input.space)));
          if (pending.length === 0) callback();
          else setTimeout(offer, timing.inputRetryMs);
        };
        offer();
      },
    });
    this.pumped = this.#pump();
  }

  /** Stops pacing the output by its reader, for good (the VM is ending). */
  release(): void {
    this.#released = true;
    this.#wakePump();
  }

  #wakePump(): void {
    const wake = this.#readerWants;
    this.#readerWants = undefined;
    wake?.();
  }

  async #pump(): Promise<void> {
    for (;;) {
      const bytes = await this.#ring.next();
      if (bytes.length === 0) break;
      if (!this.duplex.push(bytes) && !this.#released) {
        await new Promise<void>((resolve) => (this.#readerWants = resolve));
      }
      await delay(this.#batchMs);
    }
    this.duplex.push(null);
  }
}
