import { buildSdt } from './sdt-header.js';

/** XSDT revision (ACPI 6.5 §5.2.8). */
export const XSDT_REVISION = 1;

/**
 * Builds the Extended System Description Table: the header followed by the 64-bit guest
 * physical address of every other top-level table (the FADT, the MADT, ...; not the DSDT,
 * which the FADT points at).
 */
export function buildXsdt(tables: readonly bigint[]): Uint8Array {
  const body = new Uint8Array(tables.length * 8);
  const view = new DataView(body.buffer);
  tables.forEach((address, index) => view.setBigUint64(index * 8, address, true));
  return buildSdt('XSDT', XSDT_REVISION, body);
}
