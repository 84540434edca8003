import type { InterruptLine } from '@vmm/core';
import { allocateUartState } from './shared-receive-fifo.js';
import { UartSharedState, type UartStateLayout } from './uart-shared-state.js';
import {
  INT_MASK,
  INT_OE,
  INT_RT,
  INT_RX,
  RESET_CR,
  RESET_IFLS,
  RSR_OE,
  STORED_REGISTER_BITS,
  UARTCR,
  UARTDMACR,
  UARTFBRD,
  UARTIBRD,
  UARTIFLS,
  UARTILPR,
  UARTIMSC,
  UARTLCR_H,
} from './pl011-registers.js';

/* Word 0 holds the ring capacity in bytes (see shared-receive-fifo.ts). */
/** Word index of the count of bytes ever written into the ring (wraps at 2^32). */
const HEAD = 1;
/** Word index of the count of bytes ever read from the ring (wraps at 2^32). */
const TAIL = 2;
/** Word index of the line lock: 1 while a thread decides and drives the interrupt level. */
const LINE_LOCK = 3;
/** Word index of the "level may be stale" flag, set by every thread that changed the state. */
const LINE_DIRTY = 4;
/** Word index of the level last driven on the line (0 or 1). */
const LINE_LEVEL = 5;
/** Word index of the latched raw interrupt bits (TXIS, OEIS); RXIS and RTIS are derived. */
const RAW = 6;
/** Word index of the receive status register (RSR: OE). */
const RSR = 7;
/** Word index of each plain register, by register offset. */
const REGISTER_WORDS: ReadonlyMap<number, number> = new Map([
  [UARTIMSC, 8],
  [UARTILPR, 9],
  [UARTIBRD, 10],
  [UARTFBRD, 11],
  [UARTLCR_H, 12],
  [UARTCR, 13],
  [UARTIFLS, 14],
  [UARTDMACR, 15],
]);
/** Bytes before the ring storage: the sixteen words above. */
const HEADER_BYTES = 64;
const LAYOUT: UartStateLayout = {
  headerBytes: HEADER_BYTES,
  head: HEAD,
  tail: TAIL,
  device: 'PL011',
  stateClass: 'Pl011SharedState',
};

/**
 * Everything of a PL011 UART that more than one thread must see, in one `SharedArrayBuffer`:
 * the receive FIFO (filled by the main thread through {@link Pl011Input}, drained by the device),
 * every guest-visible register (so a {@link Pl011} built in any vCPU worker around the same
 * buffer is the same UART), and the interrupt line's last level with the small lock that keeps
 * the level right when both threads change the state at once.
 *
 * Post {@link buffer} to another thread and wrap it there with `new Pl011SharedState(buffer)`.
 * Layout, as 32-bit words: 0 capacity, 1 head (bytes ever written), 2 tail (bytes ever read),
 * 3 line lock, 4 line dirty flag, 5 line level, 6 latched raw interrupt bits, 7 RSR, 8 IMSC,
 * 9 ILPR, 10 IBRD, 11 FBRD, 12 LCR_H, 13 CR, 14 IFLS, 15 DMACR; the ring's bytes start at byte 64,
 * byte `n` of the stream at `64 + n % capacity`. The ring is single-producer (the one
 * {@link Pl011Input}), single-consumer (guest reads of UARTDR, which the guest serializes).
 */
export class Pl011SharedState extends UartSharedState {
  /** The default receive FIFO capacity in bytes. */
  static readonly DEFAULT_CAPACITY = 4096;

  /**
   * Allocates fresh state in the PL011's reset state, with a receive FIFO of `capacity` bytes (a
   * power of two, at least 16, at most 2^30).
   */
  static create(capacity: number = Pl011SharedState.DEFAULT_CAPACITY): Pl011SharedState {
    const state = new Pl011SharedState(allocateUartState(HEADER_BYTES, capacity, LAYOUT.device));
    state.setRegister(UARTCR, RESET_CR);
    state.setRegister(UARTIFLS, RESET_IFLS);
    return state;
  }

  /** Wraps state that {@link create} allocated, typically in another thread. */
  constructor(buffer: SharedArrayBuffer) {
    super(buffer, LAYOUT);
  }

  /**
   * Records that received bytes were dropped because the FIFO was full: sets RSR.OE and the
   * overrun interrupt (OEIS). Producer side only.
   */
  flagOverrun(): void {
    Atomics.or(this.words, RSR, RSR_OE);
    Atomics.or(this.words, RAW, INT_OE);
  }

  /** The receive status register (RSR): OE (bit 3) after an overrun, until the guest writes ECR. */
  get receiveStatus(): number {
    return Atomics.load(this.words, RSR);
  }

  /** Clears the receive status register, as a guest write to UARTECR does. */
  clearReceiveStatus(): void {
    Atomics.store(this.words, RSR, 0);
  }

  /** The value of a plain read/write register (IMSC, ILPR, IBRD, FBRD, LCR_H, CR, IFLS, DMACR). */
  register(offset: number): number {
    return Atomics.load(this.words, this.#registerWord(offset));
  }

  /** Sets a plain read/write register to `value`, keeping only the bits the PL011 implements. */
  setRegister(offset: number, value: number): void {
    const bits = STORED_REGISTER_BITS.get(offset) ?? 0;
    Atomics.store(this.words, this.#registerWord(offset), value & bits);
  }

  /**
   * The raw interrupt status (RIS): the latched bits (TXIS, OEIS) plus RXIS and RTIS, which are
   * set exactly while received bytes wait.
   */
  get rawInterrupts(): number {
    const received = this.receivedCount > 0 ? INT_RX | INT_RT : 0;
    return Atomics.load(this.words, RAW) | received;
  }

  /** Latches raw interrupt `bits`; returns whether any of them was newly set. */
  raiseInterrupts(bits: number): boolean {
    return (Atomics.or(this.words, RAW, bits) & bits) !== bits;
  }

  /** Clears latched raw interrupt `bits`, as a guest write of 1s to UARTICR does. */
  clearInterrupts(bits: number): void {
    Atomics.and(this.words, RAW, ~bits & INT_MASK);
  }

  /** The masked interrupt status (MIS): {@link rawInterrupts} & IMSC. */
  get maskedInterrupts(): number {
    return this.rawInterrupts & this.register(UARTIMSC);
  }

  /**
   * Drives `line` to the level the state calls for (high while {@link maskedInterrupts} is
   * non-zero), from either thread, after every change that may move it. The thread holding the
   * line lock re-reads the state and sets the level only when it differs from the last one
   * driven; a thread that finds the lock taken leaves a "dirty" mark, and the holder goes round
   * again before it lets go, so the last decision always sees the last change and no thread
   * ever waits. Both threads must pass lines that drive the same interrupt input.
   */
  updateLine(line: InterruptLine): void {
    const words = this.words;
    Atomics.store(words, LINE_DIRTY, 1);
    while (Atomics.load(words, LINE_DIRTY) !== 0) {
      if (Atomics.compareExchange(words, LINE_LOCK, 0, 1) !== 0) return;
      try {
        Atomics.store(words, LINE_DIRTY, 0);
        const level = this.maskedInterrupts !== 0 ? 1 : 0;
        if (level !== Atomics.load(words, LINE_LEVEL)) {
          line.setLevel(level === 1);
          Atomics.store(words, LINE_LEVEL, level);
        }
      } finally {
        Atomics.store(words, LINE_LOCK, 0);
      }
    }
  }

  #registerWord(offset: number): number {
    const word = REGISTER_WORDS.get(offset);
    if (word === undefined) {
      throw new RangeError(`PL011 offset 0x${offset.toString(16)} is not a plain register`);
    }
    return word;
  }
}
