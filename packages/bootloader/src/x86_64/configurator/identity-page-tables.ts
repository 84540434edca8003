import { type GuestMemory, x86_64Layout } from '@vmm/core';

/** Entry bit: present. */
const PRESENT = 0x1n;
/** Entry bit: writable. */
const WRITABLE = 0x2n;
/** Page-directory entry bit: maps a 2 MiB page instead of pointing at a page table. */
const PAGE_SIZE_2M = 0x80n;
/** Size of a page-table page. */
const TABLE_SIZE = 0x1000;
/** Entries in one page-table page. */
const ENTRIES = 512;
/** Bytes mapped by one page-directory entry. */
const LARGE_PAGE = 0x20_0000n;

/**
 * Writes 4-level page tables that identity-map the first `x86_64Layout.PDE_TABLES` GiB with
 * 2 MiB pages: PML4[0] -> the PDPT, PDPT[i] -> page directory i, each page directory's 512
 * entries present, writable, 2 MiB. Returns the PML4's guest physical address (for cr3).
 */
export function writeIdentityPageTables(memory: GuestMemory): bigint {
  const { PML4_START, PDPTE_START, PDE_START, PDE_TABLES } = x86_64Layout;
  memory.slice(PML4_START, TABLE_SIZE).fill(0);
  memory.slice(PDPTE_START, TABLE_SIZE).fill(0);
  memory.writeU64(PML4_START, PDPTE_START | PRESENT | WRITABLE);
  for (let table = 0; table < PDE_TABLES; table++) {
    const directory = PDE_START + BigInt(table * TABLE_SIZE);
    memory.writeU64(PDPTE_START + BigInt(table * 8), directory | PRESENT | WRITABLE);
    for (let entry = 0; entry < ENTRIES; entry++) {
      const page = BigInt(table * ENTRIES + entry) * LARGE_PAGE;
      memory.writeU64(directory + BigInt(entry * 8), page | PAGE_SIZE_2M | PRESENT | WRITABLE);
    }
  }
  return PML4_START;
}
