import { asciiField } from './bytes.js';
import { acpiChecksum } from './checksum.js';

/** Size of the header every System Description Table starts with (ACPI 6.5 §5.2.6). */
export const SDT_HEADER_SIZE = 36;
/** OEM ID (6 bytes) vmm writes in every table and in the RSDP. */
export const ACPI_OEM_ID = 'VMMTS ';
/** OEM Table ID (8 bytes) vmm writes in every table. */
export const ACPI_OEM_TABLE_ID = 'VMM     ';
/** OEM Revision vmm writes in every table. */
export const ACPI_OEM_REVISION = 1;
/** Creator ID (4 bytes): the "tool" that made the tables, vmm's table writer. */
export const ACPI_CREATOR_ID = 'VMMT';
/** Creator Revision: the revision of vmm's table writer. */
export const ACPI_CREATOR_REVISION = 1;

/** Offset of the header's Length field (u32, the whole table in bytes). */
const LENGTH = 4;
/** Offset of the header's Revision field (u8). */
const REVISION = 8;
/** Offset of the header's Checksum field (u8). */
const CHECKSUM = 9;
/** Offset of the header's OEM ID field (6 bytes). */
const OEM_ID = 10;
/** Offset of the header's OEM Table ID field (8 bytes). */
const OEM_TABLE_ID = 16;
/** Offset of the header's OEM Revision field (u32). */
const OEM_REVISION = 24;
/** Offset of the header's Creator ID field (4 bytes). */
const CREATOR_ID = 28;
/** Offset of the header's Creator Revision field (u32). */
const CREATOR_REVISION = 32;

/**
 * Builds a System Description Table: the 36-byte header (`signature`, Length, `revision`,
 * vmm's OEM and creator identity, Checksum) followed by `body`, the table's fields from offset
 * 36 on. The checksum makes the byte sum of the whole table 0.
 */
export function buildSdt(signature: string, revision: number, body: Uint8Array): Uint8Array {
  const table = new Uint8Array(SDT_HEADER_SIZE + body.length);
  const view = new DataView(table.buffer);
  table.set(asciiField(signature, 4, 'table signature'), 0);
  view.setUint32(LENGTH, table.length, true);
  view.setUint8(REVISION, revision);
  table.set(asciiField(ACPI_OEM_ID, 6, 'OEM ID'), OEM_ID);
  table.set(asciiField(ACPI_OEM_TABLE_ID, 8, 'OEM table ID'), OEM_TABLE_ID);
  view.setUint32(OEM_REVISION, ACPI_OEM_REVISION, true);
  table.set(asciiField(ACPI_CREATOR_ID, 4, 'creator ID'), CREATOR_ID);
  view.setUint32(CREATOR_REVISION, ACPI_CREATOR_REVISION, true);
  table.set(body, SDT_HEADER_SIZE);
  view.setUint8(CHECKSUM, acpiChecksum(table));
  return table;
}
