import { x86_64Layout } from '@vmm/core';

/** e820 memory types the VMM reports (the values Linux's `E820_TYPE_*` use). */
export const E820Type = {
  /** Usable RAM. */
  ram: 1,
  /** Reserved: the guest must not use it as RAM. */
  reserved: 2,
} as const;

/** One of the {@link E820Type} values. */
export type E820Type = (typeof E820Type)[keyof typeof E820Type];

/** One entry of the e820 memory map handed to the guest. */
export interface E820Entry {
  /** Guest physical address of the first byte. */
  readonly address: bigint;
  /** Size in bytes. */
  readonly size: number;
  /** What the range is. */
  readonly type: E820Type;
}

/**
 * The e820 memory map of an x86_64 VM with `ramSize` bytes of RAM, laid out as
 * `x86_64Layout.ramRanges` places it: conventional memory below the EBDA, the EBDA and the
 * legacy video/ROM hole reserved up to 1 MiB, RAM from 1 MiB to the 32-bit MMIO gap, and the
 * rest of RAM from 4 GiB on.
 */
export function e820Map(ramSize: number): E820Entry[] {
  const { EBDA_START, KERNEL_START, RAM_START } = x86_64Layout;
  const entries: E820Entry[] = [];
  for (const range of x86_64Layout.ramRanges(ramSize)) {
    if (range.size === 0) continue;
    const end = range.guestAddress + BigInt(range.size);
    if (range.guestAddress !== RAM_START) {
      entries.push({ address: range.guestAddress, size: range.size, type: E820Type.ram });
      continue;
    }
    const conventionalEnd = end < EBDA_START ? end : EBDA_START;
    entries.push({ address: RAM_START, size: Number(conventionalEnd), type: E820Type.ram });
    if (end <= EBDA_START) continue;
    entries.push({
      address: EBDA_START,
      size: Number(KERNEL_START - EBDA_START),
      type: E820Type.reserved,
    });
    if (end > KERNEL_START) {
      entries.push({ address: KERNEL_START, size: Number(end - KERNEL_START), type: E820Type.ram });
    }
  }
  return entries;
}
