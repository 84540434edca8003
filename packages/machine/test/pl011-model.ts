import type { AccessCheck } from './access-check.js';

// Register offsets and bits of the PL011 (ARM DDI 0183), written out again here so that the
// model does not share the device's constants.
const DR = 0x000;
const RSR_ECR = 0x004;
const FR = 0x018;
const IMSC = 0x038;
const RIS = 0x03c;
const MIS = 0x040;
const ICR = 0x044;
const ID_START = 0xfe0;
const WINDOW_SIZE = 0x1000;
/** PeriphID0-3 (a PL011 r1p5 by ARM) and PCellID0-3 (0xb105f00d), one byte per register. */
const ID_BYTES = [0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1];
const FR_RXFE = 0x10;
const FR_RXFF = 0x40;
const FR_TXFE = 0x80;
const RSR_OE = 0x08;
const INT_RX_RT = 0x50;
const INT_TX = 0x20;
const INT_OE = 0x400;
const INT_MASK = 0x7ff;
/** The plain read/write registers: implemented bits and value at reset, by offset. */
const PLAIN_REGISTERS: ReadonlyMap<number, { readonly bits: number; readonly reset: number }> =
  new Map([
    [0x020, { bits: 0xff, reset: 0 }], // ILPR
    [0x024, { bits: 0xffff, reset: 0 }], // IBRD
    [0x028, { bits: 0x3f, reset: 0 }], // FBRD
    [0x02c, { bits: 0xff, reset: 0 }], // LCR_H
    [0x030, { bits: 0xffff, reset: 0x0300 }], // CR
    [0x034, { bits: 0x3f, reset: 0x12 }], // IFLS
    [IMSC, { bits: INT_MASK, reset: 0 }],
    [0x048, { bits: 0x7, reset: 0 }], // DMACR
  ]);

/**
 * What the aarch64 console UART (`Pl011`) must answer, worked out from the PL011 TRM and the
 * device's documented behaviour, for checking the device access by access: each 32-bit register
 * is reached in part by accesses of 1 to 8 bytes at any offset, a UARTDR read takes a byte only
 * when it covers the register's low byte, UARTFR and the RX/RT interrupt bits follow the receive
 * FIFO, TX and OE are latched until UARTICR clears them, and the line is high exactly while
 * UARTRIS & UARTIMSC is not zero.
 */
export class Pl011Model {
  /** Host bytes the UART took and the guest has not read, oldest first. */
  readonly received: number[] = [];
  /** The bytes the console sink must have had, in order. */
  readonly transmitted: number[] = [];
  /** Bytes the guest has read out of UARTDR. */
  bytesRead = 0;
  readonly #capacity: number;
  readonly #plain = new Map([...PLAIN_REGISTERS].map(([offset, { reset }]) => [offset, reset]));
  #latched = 0;
  #receiveStatus = 0;

  /** A model of a PL011 whose receive FIFO holds `capacity` bytes. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The level the interrupt line must be at. */
  get lineLevel(): boolean {
    return (this.#rawInterrupts() & (this.#plain.get(IMSC) ?? 0)) !== 0;
  }

  /** Notes that the host pushed `bytes`, of which the UART took the first `accepted`. */
  hostPushed(bytes: Uint8Array, accepted: number): void {
    this.received.push(...bytes.subarray(0, accepted));
    if (accepted < bytes.length) {
      this.#receiveStatus |= RSR_OE;
      this.#latched |= INT_OE;
    }
  }

  /** Checks `actual`, what a guest read at `offset` of the register window returned. */
  read(offset: number, actual: Uint8Array, check: AccessCheck): void {
    for (let i = 0; i < actual.length;) {
      const byte = offset + i;
      const register = byte & ~3;
      const shift = byte & 3;
      const count = Math.min(4 - shift, actual.length - i);
      const value = register === DR && shift !== 0 ? 0 : this.#readRegister(register);
      for (let j = 0; j < count; j++) {
        check.equal(actual[i + j]!, (value >>> ((shift + j) * 8)) & 0xff, () =>
          registerName(register),
        );
      }
      i += count;
    }
  }

  /** A guest write of `data` at `offset` of the register window. */
  write(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length;) {
      const byte = offset + i;
      const register = byte & ~3;
      const shift = byte & 3;
      const count = Math.min(4 - shift, data.length - i);
      let value = 0;
      let mask = 0;
      for (let j = 0; j < count; j++) {
        value |= data[i + j]! << ((shift + j) * 8);
        mask |= 0xff << ((shift + j) * 8);
      }
      this.#writeRegister(register, value >>> 0, mask >>> 0);
      i += count;
    }
  }

  #rawInterrupts(): number {
    return this.#latched | (this.received.length > 0 ? INT_RX_RT : 0);
  }

  #readRegister(register: number): number {
    if (register >= ID_START && register < WINDOW_SIZE)
      return ID_BYTES[(register - ID_START) >> 2]!;
    switch (register) {
      case DR: {
        const byte = this.received.shift();
        if (byte === undefined) return 0;
        this.bytesRead++;
        return byte;
      }
      case RSR_ECR:
        return this.#receiveStatus;
      case FR: {
        const count = this.received.length;
        return FR_TXFE | (count === 0 ? FR_RXFE : 0) | (count >= this.#capacity ? FR_RXFF : 0);
      }
      case RIS:
        return this.#rawInterrupts();
      case MIS:
        return this.#rawInterrupts() & (this.#plain.get(IMSC) ?? 0);
      default:
        return this.#plain.get(register) ?? 0;
    }
  }

  #writeRegister(register: number, value: number, mask: number): void {
    switch (register) {
      case DR:
        if ((mask & 0xff) !== 0) {
          this.transmitted.push(value & 0xff);
          this.#latched |= INT_TX;
        }
        return;
      case RSR_ECR:
        this.#receiveStatus = 0;
        return;
      case ICR:
        this.#latched &= ~value;
        return;
      default: {
        const plain = PLAIN_REGISTERS.get(register);
        const old = this.#plain.get(register);
        if (plain === undefined || old === undefined) return;
        this.#plain.set(register, ((old & ~mask) | (value & mask)) & plain.bits);
      }
    }
  }
}

/** How a failure message names `register`. */
function registerName(register: number): string {
  return `PL011 register 0x${register.toString(16).padStart(3, '0')}`;
}
