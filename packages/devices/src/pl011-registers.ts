/**
 * Register offsets and bits of the ARM PrimeCell UART (PL011), as named in the PL011 Technical
 * Reference Manual (ARM DDI 0183, r1p5) and Linux's `include/linux/amba/serial.h`. Internal to
 * this package.
 */

/** 0x000: data register (read: next received byte; write: transmit a byte). */
export const UARTDR = 0x000;
/** 0x004: receive status (read) / error clear (write). */
export const UARTRSR_ECR = 0x004;
/** 0x018: flag register (read-only). */
export const UARTFR = 0x018;
/** 0x020: IrDA low-power counter. */
export const UARTILPR = 0x020;
/** 0x024: integer baud rate divisor. */
export const UARTIBRD = 0x024;
/** 0x028: fractional baud rate divisor. */
export const UARTFBRD = 0x028;
/** 0x02c: line control (word length, FIFO enable, parity, break). */
export const UARTLCR_H = 0x02c;
/** 0x030: control (UART/TX/RX enable, loopback, modem lines, flow control). */
export const UARTCR = 0x030;
/** 0x034: interrupt FIFO level select. */
export const UARTIFLS = 0x034;
/** 0x038: interrupt mask set/clear (1 = the source may raise the line). */
export const UARTIMSC = 0x038;
/** 0x03c: raw interrupt status (read-only). */
export const UARTRIS = 0x03c;
/** 0x040: masked interrupt status, RIS & IMSC (read-only). */
export const UARTMIS = 0x040;
/** 0x044: interrupt clear (write-only, write 1 to clear). */
export const UARTICR = 0x044;
/** 0x048: DMA control. */
export const UARTDMACR = 0x048;
/** 0xfe0: first of the eight identification registers (PeriphID0-3, PCellID0-3). */
export const UART_ID_START = 0xfe0;

/**
 * Bytes of the identification registers, one per 32-bit register from 0xfe0: PeriphID0-3 =
 * part 0x011, designer 0x41 (ARM), revision 3 (r1p5), configuration 0, i.e. the periphid
 * 0x00341011 Linux's amba bus matches against `0x00041011` masked with `0x000fffff` (revision 3
 * gives the 32-byte FIFO of r1p5); PCellID0-3 = the PrimeCell ID 0xb105f00d. QEMU reports
 * revision 1 (0x14 in PeriphID2).
 */
export const ID_BYTES = [0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1] as const;

/** FR bit 4: receive FIFO empty. */
export const FR_RXFE = 0x10;
/** FR bit 6: receive FIFO full. */
export const FR_RXFF = 0x40;
/** FR bit 7: transmit FIFO empty (always: bytes leave at once). */
export const FR_TXFE = 0x80;

/** RSR bit 3: overrun error (received bytes were dropped). */
export const RSR_OE = 0x08;

/** Interrupt bit 4 (RIS/MIS/IMSC/ICR): receive. */
export const INT_RX = 1 << 4;
/** Interrupt bit 5: transmit. */
export const INT_TX = 1 << 5;
/** Interrupt bit 6: receive timeout. */
export const INT_RT = 1 << 6;
/** Interrupt bit 10: overrun error. */
export const INT_OE = 1 << 10;
/** The eleven interrupt bits (RIMIS .. OEIS). */
export const INT_MASK = 0x7ff;

/** Bits implemented by each plain read/write register, by offset. */
export const STORED_REGISTER_BITS: ReadonlyMap<number, number> = new Map([
  [UARTILPR, 0xff],
  [UARTIBRD, 0xffff],
  [UARTFBRD, 0x3f],
  [UARTLCR_H, 0xff],
  [UARTCR, 0xffff],
  [UARTIFLS, 0x3f],
  [UARTIMSC, INT_MASK],
  [UARTDMACR, 0x7],
]);

/** CR at reset: TXE and RXE set, UART disabled (TRM reset value 0x0300). */
export const RESET_CR = 0x0300;
/** IFLS at reset: both FIFOs interrupt at half full (TRM reset value 0x12). */
export const RESET_IFLS = 0x12;
