import { concatBytes } from './bytes.js';
import { buildSdt } from './sdt-header.js';

/** MADT revision of ACPI 6.5. */
export const MADT_REVISION = 6;
/** MADT flag bit 0, PCAT_COMPAT: the system also has a PC-AT dual-8259 PIC setup. */
export const MADT_PCAT_COMPAT = 1;

/**
 * Builds a Multiple APIC Description Table ("APIC"): the header, the 32-bit physical address
 * of the local interrupt controller (the local APIC on x86), `flags`, then the interrupt
 * controller structures in order. Each structure starts with its type and length bytes; the
 * arch-specific code encodes them.
 */
export function buildMadt(
  localInterruptControllerAddress: bigint,
  flags: number,
  structures: readonly Uint8Array[],
): Uint8Array {
  const fields = new Uint8Array(8);
  const view = new DataView(fields.buffer);
  view.setUint32(0, Number(localInterruptControllerAddress), true);
  view.setUint32(4, flags, true);
  return buildSdt('APIC', MADT_REVISION, concatBytes([fields, ...structures]));
}
