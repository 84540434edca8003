import { asciiField } from './bytes.js';
import { acpiChecksum } from './checksum.js';
import { ACPI_OEM_ID } from './sdt-header.js';

/** Size of the ACPI 2.0+ Root System Description Pointer. */
export const RSDP_SIZE = 36;
/** RSDP revision 2: the ACPI 2.0+ layout with the XSDT address and extended checksum. */
export const RSDP_REVISION = 2;
/** Size of the ACPI 1.0 part of the RSDP that the first checksum covers. */
const RSDP_V1_SIZE = 20;

/**
 * Builds the Root System Description Pointer (ACPI 6.5 §5.2.5.3): "RSD PTR ", checksum over
 * the first 20 bytes, vmm's OEM ID, revision 2, no RSDT (address 0), length 36, the XSDT's
 * guest physical address, and the extended checksum over all 36 bytes. The RSDP must sit on a
 * 16-byte boundary for the BIOS-area scan to find it.
 */
export function buildRsdp(xsdtAddress: bigint): Uint8Array {
  const rsdp = new Uint8Array(RSDP_SIZE);
  const view = new DataView(rsdp.buffer);
  rsdp.set(asciiField('RSD PTR ', 8, 'RSDP signature'), 0);
  rsdp.set(asciiField(ACPI_OEM_ID, 6, 'OEM ID'), 9);
  view.setUint8(15, RSDP_REVISION);
  view.setUint32(16, 0, true);
  view.setUint32(20, RSDP_SIZE, true);
  view.setBigUint64(24, xsdtAddress, true);
  view.setUint8(8, acpiChecksum(rsdp.subarray(0, RSDP_V1_SIZE)));
  view.setUint8(32, acpiChecksum(rsdp));
  return rsdp;
}
