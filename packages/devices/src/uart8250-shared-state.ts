import { allocateUartState } from './shared-receive-fifo.js';
import { UartSharedState, type UartStateLayout } from './uart-shared-state.js';
import {
  DEFAULT_DIVISOR,
  DEFAULT_LCR,
  DEFAULT_MCR,
  HARDWARE_FIFO_DEPTH,
  LSR_DR,
  LSR_THRE_TEMT,
} from './uart8250-registers.js';

/* Word 0 holds the ring capacity in bytes (see shared-receive-fifo.ts). */
/** Word index of the guest's interrupt-enable register (IER, low 4 bits). */
const IER = 1;
/** Word index of the overrun flag: 1 when received bytes were dropped since the guest read LSR. */
const OVERRUN = 2;
/** Word index of the count of bytes ever written into the ring (wraps at 2^32). */
const HEAD = 3;
/** Word index of the count of bytes ever read from the ring (wraps at 2^32). */
const TAIL = 4;
/** Word index of the divisor latch (DLM:DLL). */
const DIVISOR = 5;
/** Word index of the line control register. */
const LCR = 6;
/** Word index of the modem control register. */
const MCR = 7;
/** Word index of the scratch register. */
const SCR = 8;
/** Word index of the FIFO enable bit (FCR bit 0 as last written): 1 while enabled. */
const FIFOS_ENABLED = 9;
/** Word index of the THR-empty interrupt's pending flag. */
const THR_EMPTY_PENDING = 10;
/** Word index of MSR's delta bits (3:0) not yet read. */
const MODEM_DELTAS = 11;
/** Word index of the loopback overrun flag: a looped-back byte found the hardware FIFO full. */
const LOOPED_OVERRUN = 12;
/** Word index of how many looped-back bytes wait. */
const LOOPED_COUNT = 13;
/** Byte offset of the looped-back bytes (the 16-byte hardware FIFO), words 14-17. */
const LOOPED_BYTES = 56;
/** Word index of the line status image: what an LSR read returns, or why it must exit. */
const LINE_STATUS_IMAGE = 18;
/** Image bit: an input overrun is pending, which an LSR read reports and clears. */
const IMAGE_DEFER_OVERRUN = 0x100;
/** Image bit: loopback is on or looped-back bytes or their overrun wait. */
const IMAGE_DEFER_LOOPBACK = 0x200;
/** Bytes before the ring storage: the words above, padded to 96 bytes. */
const HEADER_BYTES = 96;
const LAYOUT: UartStateLayout = {
  headerBytes: HEADER_BYTES,
  head: HEAD,
  tail: TAIL,
  device: '8250 UART',
  stateClass: 'Uart8250SharedState',
};

/**
 * The whole guest-visible state of a 16550A UART, for every thread that runs it: the receive
 * FIFO, filled by the main thread (keystrokes from stdin) and drained by the device, and every
 * register and interrupt flag, so that a {@link Uart8250} built in each vCPU worker around the
 * same buffer is one UART whichever vCPU the guest reaches it from (the guest serializes its
 * accesses, as Linux's port lock does; each register is one atomic word).
 *
 * Everything lives in one `SharedArrayBuffer` so the same state can be posted to another thread
 * and wrapped there with `new Uart8250SharedState(buffer)`. Layout, as 32-bit words: 0 capacity,
 * 1 IER, 2 overrun flag, 3 head (bytes ever written), 4 tail (bytes ever read), 5 divisor,
 * 6 LCR, 7 MCR, 8 SCR, 9 FIFOs enabled, 10 THR empty pending, 11 MSR deltas, 12 loopback
 * overrun, 13 looped-back count, 14-17 the looped-back bytes, 18 the line status image
 * ({@link lineStatusImage}); the ring's bytes start at byte 96,
 * byte `n` of the stream at `96 + n % capacity`. The ring is single-producer, single-consumer:
 * only the main thread calls {@link enqueue} and {@link flagOverrun}; only the device (the
 * guest's UART accesses) calls {@link dequeue}, {@link discardReceived} and {@link takeOverrun}.
 */
export class Uart8250SharedState extends UartSharedState {
  /** The default receive FIFO capacity in bytes. */
  static readonly DEFAULT_CAPACITY = 4096;

  readonly #looped: Uint8Array;

  /**
   * Allocates fresh state, its registers at their reset values, with a receive FIFO of
   * `capacity` bytes (a power of two, at least 16, at most 2^30).
   */
  static create(capacity: number = Uart8250SharedState.DEFAULT_CAPACITY): Uart8250SharedState {
    const state = new Uart8250SharedState(allocateUartState(HEADER_BYTES, capacity, LAYOUT.device));
    state.divisor = DEFAULT_DIVISOR;
    state.lcr = DEFAULT_LCR;
    state.mcr = DEFAULT_MCR;
    Atomics.store(state.words, LINE_STATUS_IMAGE, LSR_THRE_TEMT);
    return state;
  }

  /**
   * The line status image, one word for a hypervisor to answer the guest's LSR reads from
   * without the device (`Vcpu.answerPortReads`): its low byte is LSR as a read would return it
   * (THRE and TEMT, and DR while received bytes wait), and a bit above it is set while a read
   * must reach the device: an input overrun to report and clear, or loopback. Kept current by
   * {@link enqueue} and {@link flagOverrun} on the producer side and by
   * {@link refreshLineStatusImage}, which the device calls after every access.
   */
  readonly lineStatusImage: Int32Array;

  /** Wraps state that {@link create} allocated, typically in another thread. */
  constructor(buffer: SharedArrayBuffer) {
    super(buffer, LAYOUT);
    this.#looped = new Uint8Array(buffer, LOOPED_BYTES, HARDWARE_FIFO_DEPTH);
    this.lineStatusImage = new Int32Array(buffer, LINE_STATUS_IMAGE * 4, 1);
  }

  /**
   * Appends as many of `bytes` as fit to the receive FIFO and returns how many were taken,
   * then sets DR in the line status image. Producer side only.
   */
  override enqueue(bytes: Uint8Array): number {
    const accepted = super.enqueue(bytes);
    if (accepted > 0) Atomics.or(this.lineStatusImage, 0, LSR_DR);
    return accepted;
  }

  /**
   * Brings the line status image up to date after the device changed what it shows: DR once
   * the FIFO has drained, the overrun deferral once the overrun was read, the loopback deferral
   * (`loopback`: MCR's loop bit). A bit the producer sets meanwhile is set again, so none is
   * lost. Consumer side only.
   */
  refreshLineStatusImage(loopback: boolean): void {
    const image = this.lineStatusImage;
    if (this.receivedCount === 0) {
      Atomics.and(image, 0, ~LSR_DR);
      if (this.receivedCount > 0) Atomics.or(image, 0, LSR_DR);
    }
    if (!this.overrun) {
      Atomics.and(image, 0, ~IMAGE_DEFER_OVERRUN);
      if (this.overrun) Atomics.or(image, 0, IMAGE_DEFER_OVERRUN);
    }
    if (loopback || this.loopedCount > 0 || this.loopedOverrun) {
      Atomics.or(image, 0, IMAGE_DEFER_LOOPBACK);
    } else {
      Atomics.and(image, 0, ~IMAGE_DEFER_LOOPBACK);
    }
  }

  /** The guest's interrupt-enable register (IER); the device writes it, the main thread reads it. */
  get interruptEnable(): number {
    return Atomics.load(this.words, IER);
  }

  /** Sets the interrupt-enable register; called by the device when the guest writes IER. */
  set interruptEnable(value: number) {
    Atomics.store(this.words, IER, value);
  }

  /** The divisor latch (DLM << 8 | DLL). */
  get divisor(): number {
    return Atomics.load(this.words, DIVISOR);
  }

  /** Sets the divisor latch. */
  set divisor(value: number) {
    Atomics.store(this.words, DIVISOR, value);
  }

  /** The line control register. */
  get lcr(): number {
    return Atomics.load(this.words, LCR);
  }

  /** Sets the line control register. */
  set lcr(value: number) {
    Atomics.store(this.words, LCR, value);
  }

  /** The modem control register. */
  get mcr(): number {
    return Atomics.load(this.words, MCR);
  }

  /** Sets the modem control register. */
  set mcr(value: number) {
    Atomics.store(this.words, MCR, value);
  }

  /** The scratch register. */
  get scratch(): number {
    return Atomics.load(this.words, SCR);
  }

  /** Sets the scratch register. */
  set scratch(value: number) {
    Atomics.store(this.words, SCR, value);
  }

  /** Whether the FIFOs are enabled (FCR bit 0 as last written). */
  get fifosEnabled(): boolean {
    return Atomics.load(this.words, FIFOS_ENABLED) !== 0;
  }

  /** Records FCR bit 0. */
  set fifosEnabled(enabled: boolean) {
    Atomics.store(this.words, FIFOS_ENABLED, enabled ? 1 : 0);
  }

  /** Whether the THR-empty interrupt is pending (before IER gates it). */
  get thrEmptyPending(): boolean {
    return Atomics.load(this.words, THR_EMPTY_PENDING) !== 0;
  }

  /** Makes the THR-empty interrupt pending, or clears it. */
  set thrEmptyPending(pending: boolean) {
    Atomics.store(this.words, THR_EMPTY_PENDING, pending ? 1 : 0);
  }

  /** MSR's delta bits (3:0) gathered since the guest last read MSR. */
  get modemDeltas(): number {
    return Atomics.load(this.words, MODEM_DELTAS);
  }

  /** Sets MSR's delta bits. */
  set modemDeltas(value: number) {
    Atomics.store(this.words, MODEM_DELTAS, value);
  }

  /** Whether a looped-back byte found the hardware FIFO full since the guest read LSR. */
  get loopedOverrun(): boolean {
    return Atomics.load(this.words, LOOPED_OVERRUN) !== 0;
  }

  /** Records that a looped-back byte found the hardware FIFO full. */
  flagLoopedOverrun(): void {
    Atomics.store(this.words, LOOPED_OVERRUN, 1);
  }

  /**
   * Reads and clears the loopback overrun, as a guest read of LSR does; writes shared memory
   * only when it was set (LSR is read once per console byte).
   */
  takeLoopedOverrun(): boolean {
    if (Atomics.load(this.words, LOOPED_OVERRUN) === 0) return false;
    Atomics.store(this.words, LOOPED_OVERRUN, 0);
    return true;
  }

  /** How many looped-back bytes wait (at most the 16-byte hardware FIFO). */
  get loopedCount(): number {
    return Atomics.load(this.words, LOOPED_COUNT);
  }

  /** Queues a byte transmitted in loopback; false (nothing stored) when the 16 bytes are taken. */
  pushLooped(value: number): boolean {
    const count = this.loopedCount;
    if (count >= HARDWARE_FIFO_DEPTH) return false;
    Atomics.store(this.#looped, count, value);
    Atomics.store(this.words, LOOPED_COUNT, count + 1);
    return true;
  }

  /** Takes the oldest looped-back byte, or `undefined` if none. */
  shiftLooped(): number | undefined {
    const count = this.loopedCount;
    if (count === 0) return undefined;
    const value = Atomics.load(this.#looped, 0);
    this.#looped.copyWithin(0, 1, count);
    Atomics.store(this.words, LOOPED_COUNT, count - 1);
    return value;
  }

  /** Drops every waiting byte, received and looped back (the guest cleared the receive FIFO). */
  discardReceived(): void {
    this.fifo.discard();
    Atomics.store(this.words, LOOPED_COUNT, 0);
  }

  /** Records that received bytes were dropped because the FIFO was full. Producer side only. */
  flagOverrun(): void {
    Atomics.store(this.words, OVERRUN, 1);
    Atomics.or(this.lineStatusImage, 0, IMAGE_DEFER_OVERRUN);
  }

  /**
   * Reads and clears the overrun flag, as a guest read of LSR does; writes shared memory only
   * when it was set. Consumer side only.
   */
  takeOverrun(): boolean {
    if (Atomics.load(this.words, OVERRUN) === 0) return false;
    return Atomics.exchange(this.words, OVERRUN, 0) !== 0;
  }

  /** Whether bytes were dropped since the last {@link takeOverrun}, without clearing the flag. */
  get overrun(): boolean {
    return Atomics.load(this.words, OVERRUN) !== 0;
  }
}
