import type { InterruptLine } from '@vmm/core';
import { ByteRegisterDevice } from './byte-register-device.js';
import type { ConsoleSink } from './console-sink.js';
import {
  FCR_CLEAR_RCVR,
  FCR_ENABLE_FIFO,
  IER,
  IER_MASK,
  IER_MSI,
  IER_RDI,
  IER_RLSI,
  IER_THRI,
  IIR_FCR,
  IIR_FIFOS_ENABLED,
  IIR_MSI,
  IIR_NONE,
  IIR_RDI,
  IIR_RLSI,
  IIR_THRI,
  LCR,
  LCR_DLAB,
  LSR,
  LSR_DR,
  LSR_OE,
  LSR_THRE_TEMT,
  MCR,
  MCR_DTR,
  MCR_LOOP,
  MCR_MASK,
  MCR_OUT1,
  MCR_OUT2,
  MCR_RTS,
  MSR,
  MSR_CONNECTED,
  MSR_CTS,
  MSR_DCD,
  MSR_DSR,
  MSR_RI,
  RBR_THR,
  REGISTER_COUNT,
} from './uart8250-registers.js';
import type { Uart8250SharedState } from './uart8250-shared-state.js';

/** Pending-interrupt source: receiver line status (an overrun). */
const LINE_STATUS = 0x1;
/** Pending-interrupt source: received data available. */
const RECEIVED_DATA = 0x2;
/** Pending-interrupt source: transmit holding register empty. */
const THR_EMPTY = 0x4;
/** Pending-interrupt source: modem status lines changed. */
const MODEM_STATUS = 0x8;

/** What a {@link Uart8250} is built from. */
export interface Uart8250Options {
  /** The shared receive FIFO and IER; the main thread feeds it through a {@link Uart8250Input}. */
  readonly state: Uart8250SharedState;
  /** Receives every byte the guest transmits, one byte per call, on the device's thread. */
  readonly sink: ConsoleSink;
  /** The UART's interrupt line (COM1: ISA IRQ 4), pulsed once per newly pending interrupt. */
  readonly irq: InterruptLine;
  /**
   * Told whether a THR write may now reach the UART late, buffered by the hypervisor with
   * the writes before the guest's next exit (`Virt.bufferPortWrites` of port 0 only): true
   * while every interrupt is disabled (IER 0), the divisor latch is closed and loopback is
   * off, when a write has no effect the guest could see before its next UART access. Called
   * at once with the reset state, then on each change. None: every write exits.
   */
  readonly transmitBuffering?: ((buffered: boolean) => void) | undefined;
}

/**
 * A 16550A UART (the PC's COM port, 8 registers) as Linux's 8250 driver and earlyprintk use it.
 * Every register lives in the {@link Uart8250SharedState}, so each vCPU thread runs its own
 * `Uart8250` around the same state and the guest sees one UART from any vCPU. Transmission is
 * immediate: each byte written to THR goes to the sink at once, so LSR always reports THRE and
 * TEMT. While no interrupt is enabled the UART lets the hypervisor buffer THR writes
 * (`transmitBuffering`): Linux's console then costs one exit per byte (its LSR poll) instead of
 * two, and that poll the hypervisor may answer from the state's line status image without this
 * device, which keeps the image current after every access. Received bytes come from the shared
 * FIFO in {@link Uart8250SharedState}, filled on another thread by {@link Uart8250Input}.
 *
 * Interrupts follow the 16550 (and QEMU's model of it): sources in priority order are receiver
 * line status (an overrun), received data, THR empty and modem status, each gated by its IER
 * bit. THR empty becomes pending when IER.THRI is switched on and after every THR write, and is
 * cleared by writing THR or by reading IIR while it is the reported source. The line is edge
 * triggered: the device pulses it whenever a guest access makes a source pending that was not
 * before; new input is signalled by {@link Uart8250Input} on its own thread. MCR OUT2 does not
 * gate the line (as in QEMU and Firecracker).
 *
 * Loopback (MCR bit 4) works as Linux's autoconfig probe expects: MSR reflects DTR, RTS, OUT1 and
 * OUT2 as DSR, CTS, RI and DCD (with delta bits), and transmitted bytes come back as received
 * bytes (up to the 16-byte hardware FIFO depth; more set the overrun bit) instead of reaching the
 * sink. Bytes from the shared FIFO stay queued while loopback is on.
 */
export class Uart8250 extends ByteRegisterDevice {
  /** The UART spans 8 ports: THR/RBR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR. */
  readonly portCount = REGISTER_COUNT;
  readonly #state: Uart8250SharedState;
  readonly #sink: ConsoleSink;
  readonly #irq: InterruptLine;
  readonly #transmitBuffering: ((buffered: boolean) => void) | undefined;
  #transmitBuffered = false;

  /** Creates the device in its reset state around shared `state`. */
  constructor(options: Uart8250Options) {
    super();
    this.#state = options.state;
    this.#sink = options.sink;
    this.#irq = options.irq;
    this.#transmitBuffering = options.transmitBuffering;
    this.#updateTransmitBuffering();
  }

  /**
   * Reads one UART register; DLAB selects the divisor latch at offsets 0 and 1. The line status
   * image is brought up to date after it, as after every write.
   */
  protected readRegister(offset: number): number {
    const value = this.#registerValue(offset);
    this.#state.refreshLineStatusImage(this.#loopback());
    return value;
  }

  #registerValue(offset: number): number {
    const state = this.#state;
    const dlab = (state.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case RBR_THR:
        return dlab ? state.divisor & 0xff : this.#receive();
      case IER:
        return dlab ? state.divisor >> 8 : state.interruptEnable;
      case IIR_FCR:
        return this.#identify();
      case LCR:
        return state.lcr;
      case MCR:
        return state.mcr;
      case LSR:
        return this.#lineStatus();
      case MSR: {
        const value = this.#modemLines() | state.modemDeltas;
        state.modemDeltas = 0;
        return value;
      }
      default:
        return state.scratch;
    }
  }

  /** Writes one UART register and pulses the line if that made an interrupt pending. */
  protected writeRegister(offset: number, value: number): void {
    const state = this.#state;
    const dlab = (state.lcr & LCR_DLAB) !== 0;
    const transmitting = offset === RBR_THR && !dlab;
    // Writing THR first clears a pending THR-empty interrupt; the byte then leaves at once and
    // makes it pending afresh, so that counts as new.
    const before = this.#pendingSources() & (transmitting ? ~THR_EMPTY : ~0);
    switch (offset) {
      case RBR_THR:
        if (dlab) state.divisor = (state.divisor & 0xff00) | value;
        else this.#transmit(value);
        break;
      case IER:
        if (dlab) state.divisor = (state.divisor & 0x00ff) | (value << 8);
        else this.#enableInterrupts(value & IER_MASK);
        break;
      case IIR_FCR:
        this.#controlFifos(value);
        break;
      case LCR:
        state.lcr = value;
        break;
      case MCR:
        this.#controlModem(value & MCR_MASK);
        break;
      case LSR:
      case MSR:
        break;
      default:
        state.scratch = value;
    }
    state.refreshLineStatusImage(this.#loopback());
    if ((this.#pendingSources() & ~before) !== 0) this.#irq.pulse();
    if (offset === IER || offset === LCR || offset === MCR) this.#updateTransmitBuffering();
  }

  /**
   * Takes a run of one-byte writes to THR at once while the UART transmits quietly (see
   * {@link Uart8250.#transmitsQuietly}): the bytes go to the sink as one chunk, since none of
   * them could raise an interrupt or show the guest anything the others do not. Returns false
   * for any other run, which the bus then writes access by access.
   */
  writeRepeated(offset: number, size: 1 | 2 | 4, data: Uint8Array): boolean {
    if (offset !== RBR_THR || size !== 1 || !this.#transmitsQuietly()) return false;
    if (data.length === 0) return true;
    this.#sink(data.slice());
    this.#state.thrEmptyPending = true;
    this.#state.refreshLineStatusImage(false);
    return true;
  }

  /**
   * Whether a THR write has no effect but its byte reaching the sink: no interrupt enabled,
   * the divisor latch closed, loopback off. Then the hypervisor may buffer THR writes.
   */
  #transmitsQuietly(): boolean {
    const state = this.#state;
    return state.interruptEnable === 0 && (state.lcr & LCR_DLAB) === 0 && !this.#loopback();
  }

  #updateTransmitBuffering(): void {
    if (this.#transmitBuffering === undefined) return;
    const buffered = this.#transmitsQuietly();
    if (buffered === this.#transmitBuffered) return;
    this.#transmitBuffered = buffered;
    this.#transmitBuffering(buffered);
  }

  #loopback(): boolean {
    return (this.#state.mcr & MCR_LOOP) !== 0;
  }

  #transmit(value: number): void {
    const state = this.#state;
    if (!this.#loopback()) this.#sink(Uint8Array.of(value));
    else if (!state.pushLooped(value)) state.flagLoopedOverrun();
    state.thrEmptyPending = true;
  }

  #receive(): number {
    const looped = this.#state.shiftLooped();
    if (looped !== undefined) return looped;
    if (this.#loopback()) return 0;
    return this.#state.dequeue() ?? 0;
  }

  #hasReceived(): boolean {
    const state = this.#state;
    return state.loopedCount > 0 || (!this.#loopback() && state.receivedCount > 0);
  }

  #enableInterrupts(ier: number): void {
    // Switching THRI on while THR is empty (always, here) raises THR empty; switching it off
    // forgets it.
    if (((ier ^ this.#state.interruptEnable) & IER_THRI) !== 0) {
      this.#state.thrEmptyPending = (ier & IER_THRI) !== 0;
    }
    this.#state.interruptEnable = ier;
  }

  #controlFifos(value: number): void {
    const state = this.#state;
    const enable = (value & FCR_ENABLE_FIFO) !== 0;
    if (enable !== state.fifosEnabled || (enable && (value & FCR_CLEAR_RCVR) !== 0)) {
      state.discardReceived();
    }
    state.fifosEnabled = enable;
  }

  #controlModem(mcr: number): void {
    const state = this.#state;
    const before = this.#modemLines();
    state.mcr = mcr;
    const after = this.#modemLines();
    // Each delta bit sits four bits below its line: CTS, DSR and DCD flag any change, RI only
    // its trailing edge.
    const changed = (before ^ after) & (MSR_CTS | MSR_DSR | MSR_DCD);
    state.modemDeltas |= (changed | (before & ~after & MSR_RI)) >> 4;
  }

  #modemLines(): number {
    if (!this.#loopback()) return MSR_CONNECTED;
    const mcr = this.#state.mcr;
    return (
      (mcr & MCR_DTR ? MSR_DSR : 0) |
      (mcr & MCR_RTS ? MSR_CTS : 0) |
      (mcr & MCR_OUT1 ? MSR_RI : 0) |
      (mcr & MCR_OUT2 ? MSR_DCD : 0)
    );
  }

  #lineStatus(): number {
    const state = this.#state;
    // An LSR read clears both overrun flags, whichever was set.
    const inputOverrun = state.takeOverrun();
    const overrun = state.takeLoopedOverrun() || inputOverrun;
    return LSR_THRE_TEMT | (this.#hasReceived() ? LSR_DR : 0) | (overrun ? LSR_OE : 0);
  }

  #pendingSources(): number {
    const state = this.#state;
    const ier = state.interruptEnable;
    let sources = 0;
    if (ier & IER_RLSI && (state.overrun || state.loopedOverrun)) sources |= LINE_STATUS;
    if (ier & IER_RDI && this.#hasReceived()) sources |= RECEIVED_DATA;
    if (ier & IER_THRI && state.thrEmptyPending) sources |= THR_EMPTY;
    if (ier & IER_MSI && state.modemDeltas !== 0) sources |= MODEM_STATUS;
    return sources;
  }

  #identify(): number {
    const sources = this.#pendingSources();
    let id = IIR_NONE;
    if (sources & LINE_STATUS) id = IIR_RLSI;
    else if (sources & RECEIVED_DATA) id = IIR_RDI;
    else if (sources & THR_EMPTY) id = IIR_THRI;
    else if (sources & MODEM_STATUS) id = IIR_MSI;
    if (id === IIR_THRI) this.#state.thrEmptyPending = false;
    return id | (this.#state.fifosEnabled ? IIR_FIFOS_ENABLED : 0);
  }
}
