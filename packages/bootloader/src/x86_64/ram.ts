import { x86_64Layout } from '@vmm/core';

/** End (exclusive) of the guest RAM that starts at address 0, below the 32-bit MMIO gap. */
export function lowRamEnd(ramSize: number): bigint {
  const [low] = x86_64Layout.ramRanges(ramSize);
  return low === undefined ? 0n : low.guestAddress + BigInt(low.size);
}

/** Whether `[address, address + size)` lies inside one of the RAM ranges of a `ramSize` VM. */
export function isInRam(ramSize: number, address: bigint, size: number): boolean {
  return x86_64Layout
    .ramRanges(ramSize)
    .some(
      (range) =>
        address >= range.guestAddress &&
        address + BigInt(size) <= range.guestAddress + BigInt(range.size),
    );
}
