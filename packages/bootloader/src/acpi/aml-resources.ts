import { amlBuffer } from './aml.js';
import { concatBytes } from './bytes.js';
import { AcpiTableError } from './errors.js';

/**
 * Encoders for ACPI resource descriptors (ACPI 6.5 §6.4), the byte lists inside a `_CRS`
 * `ResourceTemplate`. Small descriptors start with one tag byte: bit 7 clear, the item type in
 * bits 6:3 and the number of bytes that follow in bits 2:0.
 */

/** Small item tag: I/O port descriptor (type 0x08, 7 bytes follow). */
const IO_PORT_TAG = (0x08 << 3) | 7;
/** Small item tag: IRQ descriptor without the information byte (type 0x04, 2 bytes follow). */
const IRQ_NO_FLAGS_TAG = (0x04 << 3) | 2;
/** Small item tag: end tag (type 0x0F, 1 byte follows: the checksum, 0 meaning "none"). */
const END_TAG = (0x0f << 3) | 1;
/** I/O descriptor information bit 0: the device decodes all 16 address bits. */
const DECODE_16 = 0x01;

/**
 * `IO (Decode16, base, base, 0x01, length)`: a fixed range of `length` I/O ports from `base`
 * (minimum and maximum base equal, alignment 1).
 */
export function amlIoRange(base: number, length: number): Uint8Array {
  if (!Number.isInteger(base) || base < 0 || base > 0xffff || length < 1 || length > 0xff) {
    throw new AcpiTableError(
      `an I/O resource needs a base port 0..0xffff and 1..255 ports, not ${base} and ${length}`,
    );
  }
  return Uint8Array.of(
    IO_PORT_TAG,
    DECODE_16,
    base & 0xff,
    base >> 8,
    base & 0xff,
    base >> 8,
    1,
    length,
  );
}

/**
 * `IRQNoFlags () { irqs }`: ISA interrupts 0..15 as a 16-bit mask; without the information
 * byte they are edge triggered, active high and exclusive.
 */
export function amlIrqNoFlags(irqs: readonly number[]): Uint8Array {
  let mask = 0;
  for (const irq of irqs) {
    if (!Number.isInteger(irq) || irq < 0 || irq > 15) {
      throw new AcpiTableError(`an IRQ descriptor names ISA interrupts 0..15, not ${irq}`);
    }
    mask |= 1 << irq;
  }
  return Uint8Array.of(IRQ_NO_FLAGS_TAG, mask & 0xff, mask >> 8);
}

/** `ResourceTemplate () { descriptors }`: a buffer of the descriptors and an end tag. */
export function amlResourceTemplate(descriptors: readonly Uint8Array[]): Uint8Array {
  return amlBuffer(concatBytes([...descriptors, Uint8Array.of(END_TAG, 0)]));
}
