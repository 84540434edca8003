import { type GuestMemory, x86_64Layout } from '@vmm/core';

/** Where a GDT lies, as `lgdt` (and KVM's sregs) want it. */
export interface GdtLocation {
  /** Guest physical address of the first descriptor. */
  readonly base: bigint;
  /** Size of the table in bytes minus one. */
  readonly limit: number;
}

/**
 * Writes `x86_64Layout.BOOT_GDT` (null, unused, 64-bit code at 0x10, data at 0x18) at
 * `x86_64Layout.GDT_START` and returns its base and limit.
 */
export function writeBootGdt(memory: GuestMemory): GdtLocation {
  const { BOOT_GDT, GDT_START } = x86_64Layout;
  BOOT_GDT.forEach((descriptor, index) => {
    memory.writeU64(GDT_START + BigInt(index * 8), descriptor);
  });
  return { base: GDT_START, limit: BOOT_GDT.length * 8 - 1 };
}
