import { allocateUartState } from './shared-receive-fifo.js';
import { UartSharedState, type UartStateLayout } from './uart-shared-state.js';

/* Word 0 holds the ring capacity in bytes (see shared-receive-fifo.ts). */
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
const LAYOUT: UartStateLayout = {
  headerBytes: HEADER_BYTES,
  head: HEAD,
  tail: TAIL,
  device: '8250 UART',
  stateClass: 'Uart8250SharedState',
};

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
export class Uart8250SharedState extends UartSharedState {
  /** The default receive FIFO capacity in bytes. */
  static readonly DEFAULT_CAPACITY = 4096;

  /**
   * Allocates fresh state with a receive FIFO of `capacity` bytes (a power of two, at least 16,
   * at most 2^30).
   */
  static create(capacity: number = Uart8250SharedState.DEFAULT_CAPACITY): Uart8250SharedState {
    return new Uart8250SharedState(allocateUartState(HEADER_BYTES, capacity, LAYOUT.device));
  }

  /** Wraps state that {@link create} allocated, typically in another thread. */
  constructor(buffer: SharedArrayBuffer) {
    super(buffer, LAYOUT);
  }

  /** The guest's interrupt-enable register (IER); the device writes it, the main thread reads it. */
  get interruptEnable(): number {
    return Atomics.load(this.words, IER);
  }

  /** Sets the interrupt-enable register; called by the device when the guest writes IER. */
  set interruptEnable(value: number) {
    Atomics.store(this.words, IER, value);
  }

  /** Drops every received byte (the guest cleared the receive FIFO). Consumer side only. */
  discardReceived(): void {
    this.fifo.discard();
  }

  /** Records that received bytes were dropped because the FIFO was full. Producer side only. */
  flagOverrun(): void {
    Atomics.store(this.words, OVERRUN, 1);
  }

  /** Reads and clears the overrun flag, as a guest read of LSR does. Consumer side only. */
  takeOverrun(): boolean {
    return Atomics.exchange(this.words, OVERRUN, 0) !== 0;
  }

  /** Whether bytes were dropped since the last {@link takeOverrun}, without clearing the flag. */
  get overrun(): boolean {
    return Atomics.load(this.words, OVERRUN) !== 0;
  }
}
