/**
 * Register offsets and bits of the 16550A UART, as named in Linux's `include/uapi/linux/serial_reg.h`
 * and the National Semiconductor PC16550D datasheet. Internal to this package.
 */

/** Offset 0, DLAB = 0: receive buffer (read) / transmit holding register (write). */
export const RBR_THR = 0;
/** Offset 1, DLAB = 0: interrupt enable register. */
export const IER = 1;
/** Offset 2: interrupt identification (read) / FIFO control (write). */
export const IIR_FCR = 2;
/** Offset 3: line control register. */
export const LCR = 3;
/** Offset 4: modem control register. */
export const MCR = 4;
/** Offset 5: line status register. */
export const LSR = 5;
/** Offset 6: modem status register. */
export const MSR = 6;
/** Offset 7: scratch register. */
export const SCR = 7;
/** Number of registers (ports) of the UART. */
export const REGISTER_COUNT = 8;

/** IER bit 0: received-data-available interrupt enable. */
export const IER_RDI = 0x01;
/** IER bit 1: transmit-holding-register-empty interrupt enable. */
export const IER_THRI = 0x02;
/** IER bit 2: receiver line status interrupt enable. */
export const IER_RLSI = 0x04;
/** IER bit 3: modem status interrupt enable. */
export const IER_MSI = 0x08;
/** IER bits a 16550A implements; the upper four read as zero. */
export const IER_MASK = 0x0f;

/** IIR: no interrupt pending. */
export const IIR_NONE = 0x01;
/** IIR: receiver line status interrupt (highest priority). */
export const IIR_RLSI = 0x06;
/** IIR: received data available. */
export const IIR_RDI = 0x04;
/** IIR: transmit holding register empty. */
export const IIR_THRI = 0x02;
/** IIR: modem status change (lowest priority). */
export const IIR_MSI = 0x00;
/** IIR bits 7:6 both set: FIFOs enabled (what identifies a 16550A). */
export const IIR_FIFOS_ENABLED = 0xc0;

/** FCR bit 0: enable the FIFOs. */
export const FCR_ENABLE_FIFO = 0x01;
/** FCR bit 1: clear the receive FIFO. */
export const FCR_CLEAR_RCVR = 0x02;

/** LCR bit 7: divisor latch access bit (offsets 0 and 1 become DLL and DLM). */
export const LCR_DLAB = 0x80;

/** MCR bit 0: data terminal ready (loops back to MSR DSR). */
export const MCR_DTR = 0x01;
/** MCR bit 1: request to send (loops back to MSR CTS). */
export const MCR_RTS = 0x02;
/** MCR bit 2: OUT1 (loops back to MSR RI). */
export const MCR_OUT1 = 0x04;
/** MCR bit 3: OUT2 (loops back to MSR DCD). */
export const MCR_OUT2 = 0x08;
/** MCR bit 4: loopback mode. */
export const MCR_LOOP = 0x10;
/** MCR bits a 16550A implements; the upper three read as zero. */
export const MCR_MASK = 0x1f;

/** LSR bit 0: data ready. */
export const LSR_DR = 0x01;
/** LSR bit 1: overrun error (received bytes were lost). */
export const LSR_OE = 0x02;
/** LSR bits 5 and 6: transmit holding register empty and transmitter empty. */
export const LSR_THRE_TEMT = 0x60;

// MSR bits 3:0 are the delta flags of bits 7:4 (DCD, RI, DSR, CTS changed since MSR was last
// read; for RI only its trailing edge), each four bits below the line it tracks.
/** MSR bit 4: clear to send. */
export const MSR_CTS = 0x10;
/** MSR bit 5: data set ready. */
export const MSR_DSR = 0x20;
/** MSR bit 6: ring indicator. */
export const MSR_RI = 0x40;
/** MSR bit 7: data carrier detect. */
export const MSR_DCD = 0x80;
/** Modem lines reported outside loopback: a connected, ready peer (DCD, DSR and CTS on). */
export const MSR_CONNECTED = MSR_DCD | MSR_DSR | MSR_CTS;

/** Divisor latch value at reset: 12, i.e. 9600 baud from the PC's 1.8432 MHz clock. */
export const DEFAULT_DIVISOR = 12;
/** LCR at reset: 8 data bits, no parity, one stop bit. */
export const DEFAULT_LCR = 0x03;
/** MCR at reset: OUT2 set, as PC firmware leaves it (OUT2 gates the IRQ on PCs). */
export const DEFAULT_MCR = MCR_OUT2;
/** Receive FIFO depth of a 16550A; bounds the bytes held while in loopback mode. */
export const HARDWARE_FIFO_DEPTH = 16;
