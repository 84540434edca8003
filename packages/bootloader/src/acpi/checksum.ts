/** The sum of `bytes` modulo 256. A whole ACPI table (or RSDP) is valid when this is 0. */
export function byteSum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xff;
  return sum;
}

/**
 * The checksum byte of an ACPI structure: the value that brings the sum of all its bytes to
 * 0 modulo 256. Compute it over `bytes` with the checksum field itself still zero.
 */
export function acpiChecksum(bytes: Uint8Array): number {
  return (0x100 - byteSum(bytes)) & 0xff;
}
