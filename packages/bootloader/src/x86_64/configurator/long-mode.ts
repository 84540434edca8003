import type { GuestMemory } from '@vmm/core';
import { writeBootGdt } from './boot-gdt.js';
import { writeIdentityPageTables } from './identity-page-tables.js';

/** Where the structures a vCPU needs to start in 64-bit mode were written. */
export interface LongModeBootStructures {
  /** Guest physical address of the PML4 (cr3). */
  readonly pageTables: bigint;
  /** Guest physical address of the GDT. */
  readonly gdtBase: bigint;
  /** GDT limit (size in bytes minus one). */
  readonly gdtLimit: number;
}

/**
 * Writes what a vCPU needs to start in 64-bit long mode: identity page tables over the first
 * `x86_64Layout.PDE_TABLES` GiB (2 MiB pages) and the boot GDT.
 */
export function writeLongModeBootStructures(memory: GuestMemory): LongModeBootStructures {
  const pageTables = writeIdentityPageTables(memory);
  const gdt = writeBootGdt(memory);
  return { pageTables, gdtBase: gdt.base, gdtLimit: gdt.limit };
}
