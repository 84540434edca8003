import type { InterruptLine, MmioDevice } from '@vmm/core';
import type { ConsoleSink } from './console-sink.js';
import {
  FR_RXFE,
  FR_RXFF,
  FR_TXFE,
  ID_BYTES,
  INT_MASK,
  INT_TX,
  STORED_REGISTER_BITS,
  UART_ID_START,
  UARTDR,
  UARTFR,
  UARTICR,
  UARTIMSC,
  UARTMIS,
  UARTRIS,
  UARTRSR_ECR,
} from './pl011-registers.js';
import type { Pl011SharedState } from './pl011-shared-state.js';

/** Size of the PL011's register window in bytes (`aarch64Layout.PL011_SIZE`). */
const WINDOW_SIZE = 0x1000;

/** What a {@link Pl011} is built from. */
export interface Pl011Options {
  /** The shared registers and receive FIFO; the main thread feeds it through a `Pl011Input`. */
  readonly state: Pl011SharedState;
  /** Receives every byte the guest transmits, one byte per call, on the device's thread. */
  readonly sink: ConsoleSink;
  /** The UART's interrupt line (aarch64: SPI `PL011_SPI`), level triggered. */
  readonly irq: InterruptLine;
}

/**
 * An ARM PrimeCell UART (PL011) as Linux's amba-pl011 driver and `earlycon=pl011,mmio,<addr>`
 * use it: an {@link MmioDevice} with a 4 KiB register window (offsets relative to its base, e.g.
 * `aarch64Layout.PL011_START`), run by whichever vCPU thread the guest access exits on.
 *
 * Transmission is immediate: each byte written to UARTDR goes to the sink at once, so UARTFR
 * always reports TXFE and never TXFF or BUSY. Received bytes come from the FIFO in
 * {@link Pl011SharedState}, filled on another thread by `Pl011Input`; UARTFR reports RXFE while
 * it is empty and RXFF while it is full. Every register lives in the shared state, so devices
 * built around the same buffer in several vCPU workers act as one UART.
 *
 * Interrupts follow QEMU's PL011 model: TXIS is latched by every UARTDR write (the byte has
 * already left, so the FIFO has drained) until the guest clears it through UARTICR; RXIS and RTIS
 * are set exactly while received bytes wait (the FIFO level and the receive timeout both hold as
 * soon as a byte is in, and reading bytes out is what clears them, not UARTICR); OEIS is latched
 * when input is dropped. The line is level triggered and high while UARTRIS & UARTIMSC is
 * non-zero; {@link Pl011SharedState.updateLine} keeps it right when the device and the input side
 * change the state at once.
 *
 * The identification registers (0xfe0-0xffc) read as a PL011 r1p5: periphid 0x00341011, PrimeCell
 * ID 0xb105f00d. Accesses of 1, 2, 4 or 8 bytes are accepted: each 32-bit register is read or
 * written in part, and a UARTDR read takes a byte only when the access covers its low byte.
 * Baud rate, line control, FIFO level select, IrDA and DMA control are stored and read back
 * without effect; loopback (UARTCR.LBE) is not modelled (bytes still go to the sink) and received
 * bytes carry no error bits in UARTDR.
 */
export class Pl011 implements MmioDevice {
  readonly #state: Pl011SharedState;
  readonly #sink: ConsoleSink;
  readonly #irq: InterruptLine;

  /** Creates the device around shared `state` (in its reset state when freshly created). */
  constructor(options: Pl011Options) {
    this.#state = options.state;
    this.#sink = options.sink;
    this.#irq = options.irq;
  }

  /** Handles a guest read of `data.length` bytes at `offset` in the register window. */
  read(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length;) {
      const byte = offset + i;
      const register = byte & ~3;
      const shift = byte & 3;
      const count = Math.min(4 - shift, data.length - i);
      const value = register === UARTDR && shift !== 0 ? 0 : this.#readRegister(register);
      for (let j = 0; j < count; j++) data[i + j] = (value >>> ((shift + j) * 8)) & 0xff;
      i += count;
    }
  }

  /** Handles a guest write of `data` at `offset` in the register window. */
  write(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length;) {
      const byte = offset + i;
      const register = byte & ~3;
      const shift = byte & 3;
      const count = Math.min(4 - shift, data.length - i);
      let value = 0;
      let mask = 0;
      for (let j = 0; j < count; j++) {
        value |= (data[i + j] ?? 0) << ((shift + j) * 8);
        mask |= 0xff << ((shift + j) * 8);
      }
      this.#writeRegister(register, value >>> 0, mask >>> 0);
      i += count;
    }
  }

  #readRegister(register: number): number {
    const state = this.#state;
    if (register >= UART_ID_START && register < WINDOW_SIZE) {
      return ID_BYTES[(register - UART_ID_START) >> 2] ?? 0;
    }
    switch (register) {
      case UARTDR:
        return this.#receive();
      case UARTRSR_ECR:
        return state.receiveStatus;
      case UARTFR:
        return this.#flags();
      case UARTRIS:
        return state.rawInterrupts;
      case UARTMIS:
        return state.maskedInterrupts;
      default:
        return STORED_REGISTER_BITS.has(register) ? state.register(register) : 0;
    }
  }

  /** Writes the bytes of `register` selected by `mask` (the rest keep their value). */
  #writeRegister(register: number, value: number, mask: number): void {
    const state = this.#state;
    switch (register) {
      case UARTDR:
        if ((mask & 0xff) !== 0) this.#transmit(value & 0xff);
        return;
      case UARTRSR_ECR:
        state.clearReceiveStatus();
        return;
      case UARTICR:
        state.clearInterrupts(value & INT_MASK);
        state.updateLine(this.#irq);
        return;
      default:
        if (!STORED_REGISTER_BITS.has(register)) return;
        state.setRegister(register, (state.register(register) & ~mask) | (value & mask));
        if (register === UARTIMSC) state.updateLine(this.#irq);
    }
  }

  #transmit(byte: number): void {
    this.#sink(Uint8Array.of(byte));
    if (this.#state.raiseInterrupts(INT_TX)) this.#state.updateLine(this.#irq);
  }

  #receive(): number {
    const byte = this.#state.dequeue();
    if (byte === undefined) return 0;
    if (this.#state.receivedCount === 0) this.#state.updateLine(this.#irq);
    return byte;
  }

  #flags(): number {
    const count = this.#state.receivedCount;
    return FR_TXFE | (count === 0 ? FR_RXFE : 0) | (count >= this.#state.capacity ? FR_RXFF : 0);
  }
}
