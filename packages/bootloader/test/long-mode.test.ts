import { x86_64Layout, type GuestMemory } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import {
  writeBootGdt,
  writeIdentityPageTables,
  writeLongModeBootStructures,
} from '../src/index.js';
import { lowGuestRam, MiB } from './fixtures/guest-ram.js';

/** Translates `virtual` through 4-level tables at `cr3` like the MMU, or undefined if unmapped. */
function translate(memory: GuestMemory, cr3: bigint, virtual: bigint): bigint | undefined {
  const index = (shift: bigint) => (virtual >> shift) & 0x1ffn;
  const frame = (entry: bigint) => entry & 0x000f_ffff_ffff_f000n;
  const pml4e = memory.readU64(cr3 + index(39n) * 8n);
  if ((pml4e & 1n) === 0n) return undefined;
  const pdpte = memory.readU64(frame(pml4e) + index(30n) * 8n);
  if ((pdpte & 1n) === 0n || (pdpte & 0x80n) !== 0n) return undefined;
  const pde = memory.readU64(frame(pdpte) + index(21n) * 8n);
  if ((pde & 1n) === 0n || (pde & 0x80n) === 0n) return undefined;
  return (pde & 0x000f_ffff_ffe0_0000n) + (virtual & 0x1f_ffffn);
}

describe('writeIdentityPageTables', () => {
  const memory = lowGuestRam(MiB, 0xff);
  const cr3 = writeIdentityPageTables(memory);

  it('returns the PML4 address and points PML4[0] at the PDPT', () => {
    expect(cr3).toBe(x86_64Layout.PML4_START);
    expect(memory.readU64(0x9000n)).toBe(0xa000n | 0x3n);
    for (let i = 1; i < 512; i++) expect(memory.readU64(0x9000n + BigInt(i * 8))).toBe(0n);
  });

  it('points PDPT[i] at page directory i for the first PDE_TABLES GiB', () => {
    expect(x86_64Layout.PDE_TABLES).toBe(4);
    for (let i = 0; i < 4; i++) {
      expect(memory.readU64(0xa000n + BigInt(i * 8))).toBe(0xb000n + BigInt(i * 0x1000) + 0x3n);
    }
    for (let i = 4; i < 512; i++) expect(memory.readU64(0xa000n + BigInt(i * 8))).toBe(0n);
  });

  it('fills every page directory with present, writable 2 MiB identity pages', () => {
    for (let table = 0; table < 4; table++) {
      for (let entry = 0; entry < 512; entry++) {
        const value = memory.readU64(0xb000n + BigInt(table * 0x1000 + entry * 8));
        expect(value).toBe((BigInt(table * 512 + entry) << 21n) | 0x83n);
      }
    }
    expect(memory.readU64(0xb000n)).toBe(0x83n);
    expect(memory.readU64(0xb008n)).toBe(0x20_0083n);
    expect(memory.readU64(0xeff8n)).toBe(0xffe0_0083n);
  });

  it('maps addresses to themselves below 4 GiB and nothing above', () => {
    for (const address of [0n, 0x1234n, 0x10_0200n, 0x3456_789an, 0xffff_fff0n]) {
      expect(translate(memory, cr3, address)).toBe(address);
    }
    expect(translate(memory, cr3, 0x1_0000_0000n)).toBeUndefined();
  });
});

describe('writeBootGdt', () => {
  it('writes the four boot descriptors at GDT_START', () => {
    const memory = lowGuestRam(0x1000, 0xff);
    expect(writeBootGdt(memory)).toEqual({ base: 0x500n, limit: 31 });
    expect([...memory.read(0x500n, 32)]).toEqual([
      ...[0, 0, 0, 0, 0, 0, 0, 0],
      ...[0, 0, 0, 0, 0, 0, 0, 0],
      ...[0xff, 0xff, 0, 0, 0, 0x9b, 0xaf, 0],
      ...[0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0],
    ]);
  });
});

describe('writeLongModeBootStructures', () => {
  it('writes page tables and GDT and reports where', () => {
    const memory = lowGuestRam(MiB);
    expect(writeLongModeBootStructures(memory)).toEqual({
      pageTables: 0x9000n,
      gdtBase: 0x500n,
      gdtLimit: 31,
    });
    expect(translate(memory, 0x9000n, 0x7000n)).toBe(0x7000n);
    expect(memory.readU64(0x518n)).toBe(x86_64Layout.BOOT_GDT[3]);
  });
});
