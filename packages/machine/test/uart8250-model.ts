import type { AccessCheck } from './access-check.js';

// Register offsets and bits of the 16550A (PC16550D datasheet, Linux's serial_reg.h), written out
// again here so that the model does not share the device's constants.
const RBR_THR = 0;
const IER = 1;
const IIR_FCR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;
const MSR = 6;
const IER_RDI = 0x01;
const IER_THRI = 0x02;
const IER_RLSI = 0x04;
const IER_MSI = 0x08;
const IIR_NONE = 0x01;
const IIR_RLSI = 0x06;
const IIR_RDI = 0x04;
const IIR_THRI = 0x02;
const IIR_MSI = 0x00;
const FCR_ENABLE_FIFO = 0x01;
const FCR_CLEAR_RCVR = 0x02;
const LCR_DLAB = 0x80;
const MCR_LOOP = 0x10;
const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_THRE_TEMT = 0x60;
/** MSR lines outside loopback: DCD, DSR and CTS of a connected peer. */
const MSR_CONNECTED = 0xb0;
/** Bytes a 16550A holds in loopback before it overruns. */
const HARDWARE_FIFO_DEPTH = 16;
/** Pending source the model knows exactly: receiver line status (an overrun). */
const LINE_STATUS = 0x1;
/** Pending source the model knows exactly: received data available. */
const RECEIVED_DATA = 0x2;

/**
 * What the guest's COM1 (`Uart8250`) must answer, worked out from the 16550A and the device's
 * documented behaviour, for checking the device access by access. It follows the data path
 * exactly: which bytes wait to be received (from the host, or looped back), which transmitted
 * bytes reach the console, the registers that steer them (LCR.DLAB, MCR.LOOP, IER, FCR) and
 * those that read back what was written. It does not follow the THR-empty and modem-status
 * interrupt sources; of those it checks only what holds whatever they are (IIR names an enabled
 * source, in priority order; pulses only while some interrupt is enabled).
 */
export class Uart8250Model {
  /** Host bytes the UART took and the guest has not read (nor discarded), oldest first. */
  readonly received: number[] = [];
  /** The bytes the console sink must have had, in order. */
  readonly transmitted: number[] = [];
  /** Bytes the guest has read out of the receive path (host input or loopback). */
  bytesRead = 0;
  /** Bytes transmitted in loopback, whether or not they came back. */
  bytesLooped = 0;
  /** LSR reads that reported an overrun. */
  overrunsSeen = 0;
  #lcr = 0x03;
  #mcr = 0x08;
  #ier = 0;
  #divisor = 12;
  #scratch = 0;
  #fifosEnabled = false;
  readonly #looped: number[] = [];
  #loopedOverrun = false;
  #hostOverrun = false;
  #pulsesRequired = 0;
  #pulsesAllowed = 0;

  /** Whether THR writes may be buffered by the hypervisor: no interrupt, no DLAB, no loopback. */
  get transmitBuffered(): boolean {
    return this.#ier === 0 && (this.#lcr & LCR_DLAB) === 0 && (this.#mcr & MCR_LOOP) === 0;
  }

  /**
   * Notes that the host pushed `bytes`, of which the UART took the first `accepted`; returns
   * whether that must have pulsed the line (accepted with RDI on, or dropped with RLSI on).
   */
  hostPushed(bytes: Uint8Array, accepted: number): boolean {
    this.received.push(...bytes.subarray(0, accepted));
    const dropped = accepted < bytes.length;
    if (dropped) this.#hostOverrun = true;
    return (
      (accepted > 0 && (this.#ier & IER_RDI) !== 0) || (dropped && (this.#ier & IER_RLSI) !== 0)
    );
  }

  /** Starts counting the interrupt pulses that the next guest access requires and allows. */
  beginAccess(): void {
    this.#pulsesRequired = 0;
    this.#pulsesAllowed = 0;
  }

  /**
   * How many pulses the access since {@link beginAccess} must have made (each write that made
   * a source pending anew, where that is known) and may have made (each write after which some
   * interrupt was enabled; reads never pulse).
   */
  get pulseBounds(): { readonly required: number; readonly allowed: number } {
    return { required: this.#pulsesRequired, allowed: this.#pulsesAllowed };
  }

  /** A guest write of `value` to `register` (0 to 7, counted from COM1's base). */
  write(register: number, value: number): void {
    const before = this.#knownSources();
    const dlab = (this.#lcr & LCR_DLAB) !== 0;
    // Writing THR with THRI on, or switching THRI on, makes THR empty pending anew.
    let thrEmptyRaised = false;
    switch (register) {
      case RBR_THR:
        if (dlab) {
          this.#divisor = (this.#divisor & 0xff00) | value;
        } else {
          this.#transmit(value);
          thrEmptyRaised = (this.#ier & IER_THRI) !== 0;
        }
        break;
      case IER:
        if (dlab) {
          this.#divisor = (this.#divisor & 0x00ff) | (value << 8);
        } else {
          thrEmptyRaised = (value & ~this.#ier & IER_THRI) !== 0;
          this.#ier = value & 0x0f;
        }
        break;
      case IIR_FCR: {
        const enable = (value & FCR_ENABLE_FIFO) !== 0;
        if (enable !== this.#fifosEnabled || (enable && (value & FCR_CLEAR_RCVR) !== 0)) {
          this.received.length = 0;
          this.#looped.length = 0;
        }
        this.#fifosEnabled = enable;
        break;
      }
      case LCR:
        this.#lcr = value;
        break;
      case MCR:
        this.#mcr = value & 0x1f;
        break;
      case LSR:
      case MSR:
        break;
      default:
        this.#scratch = value;
    }
    if (thrEmptyRaised || (this.#knownSources() & ~before) !== 0) this.#pulsesRequired++;
    if (this.#ier !== 0) this.#pulsesAllowed++;
  }

  /** Checks `actual`, what a guest read of `register` (0 to 7, from COM1's base) returned. */
  read(register: number, actual: number, check: AccessCheck): void {
    const dlab = (this.#lcr & LCR_DLAB) !== 0;
    switch (register) {
      case RBR_THR:
        if (dlab) check.equal(actual, this.#divisor & 0xff, 'DLL reads back');
        else check.equal(actual, this.#receive(), 'RBR: the next received byte, else 0');
        return;
      case IER:
        if (dlab) check.equal(actual, this.#divisor >> 8, 'DLM reads back');
        else check.equal(actual, this.#ier, 'IER reads back');
        return;
      case IIR_FCR:
        this.#checkIdentification(actual, check);
        return;
      case LCR:
        check.equal(actual, this.#lcr, 'LCR reads back');
        return;
      case MCR:
        check.equal(actual, this.#mcr, 'MCR reads back');
        return;
      case LSR: {
        const overrun = this.#hostOverrun || this.#loopedOverrun;
        this.#hostOverrun = false;
        this.#loopedOverrun = false;
        if (overrun) this.overrunsSeen++;
        const expected =
          LSR_THRE_TEMT | (this.#hasReceived() ? LSR_DR : 0) | (overrun ? LSR_OE : 0);
        check.equal(actual, expected, 'LSR: DR exactly while a byte waits, OE once per overrun');
        return;
      }
      case MSR:
        check.equal(actual & 0xf0, this.#modemLines(), 'MSR lines');
        return;
      default:
        check.equal(actual, this.#scratch, 'SCR reads back');
    }
  }

  #loopback(): boolean {
    return (this.#mcr & MCR_LOOP) !== 0;
  }

  #transmit(value: number): void {
    if (!this.#loopback()) {
      this.transmitted.push(value);
      return;
    }
    this.bytesLooped++;
    if (this.#looped.length < HARDWARE_FIFO_DEPTH) this.#looped.push(value);
    else this.#loopedOverrun = true;
  }

  #receive(): number {
    const byte = this.#looped.shift() ?? (this.#loopback() ? undefined : this.received.shift());
    if (byte === undefined) return 0;
    this.bytesRead++;
    return byte;
  }

  #hasReceived(): boolean {
    return this.#looped.length > 0 || (!this.#loopback() && this.received.length > 0);
  }

  /** The pending sources the model knows exactly: {@link LINE_STATUS}, {@link RECEIVED_DATA}. */
  #knownSources(): number {
    const lineStatus = (this.#ier & IER_RLSI) !== 0 && (this.#hostOverrun || this.#loopedOverrun);
    const receivedData = (this.#ier & IER_RDI) !== 0 && this.#hasReceived();
    return (lineStatus ? LINE_STATUS : 0) | (receivedData ? RECEIVED_DATA : 0);
  }

  #checkIdentification(actual: number, check: AccessCheck): void {
    check.equal(actual & 0xf0, this.#fifosEnabled ? 0xc0 : 0, 'IIR bits 7:4 (FIFOs enabled)');
    const id = actual & 0x0f;
    const known = this.#knownSources();
    if ((known & LINE_STATUS) !== 0) {
      check.equal(id, IIR_RLSI, 'IIR: an enabled overrun comes first');
    } else if ((known & RECEIVED_DATA) !== 0) {
      check.equal(id, IIR_RDI, 'IIR: enabled received data comes next');
    } else {
      const allowed = [IIR_NONE];
      if ((this.#ier & IER_THRI) !== 0) allowed.push(IIR_THRI);
      if ((this.#ier & IER_MSI) !== 0) allowed.push(IIR_MSI);
      check.oneOf(id, allowed, 'IIR: nothing pending, or an enabled lower source');
    }
  }

  #modemLines(): number {
    if (!this.#loopback()) return MSR_CONNECTED;
    const mcr = this.#mcr;
    return (
      (mcr & 0x01 ? 0x20 : 0) |
      (mcr & 0x02 ? 0x10 : 0) |
      (mcr & 0x04 ? 0x40 : 0) |
      (mcr & 0x08 ? 0x80 : 0)
    );
  }
}
