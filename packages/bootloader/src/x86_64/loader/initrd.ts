import { type GuestMemory, hex } from '@vmm/core';
import { InitrdTooLargeError } from '../../errors.js';
import { formatSize } from '../../format-size.js';

/** Page size the initrd's address is aligned to. */
const PAGE_SIZE = 0x1000n;

/** Where an initrd was placed in guest memory. */
export interface InitrdLoadResult {
  /** Guest physical address of the first byte (page aligned). */
  readonly address: bigint;
  /** Size in bytes. */
  readonly size: number;
}

/** The window an initrd may occupy. */
export interface InitrdWindow {
  /** Lowest address the initrd may start at (the end of the kernel). */
  readonly above: bigint;
  /** End (exclusive) of the window: the initrd's last byte lies below it. */
  readonly below: bigint;
}

/**
 * Copies `initrd` to the highest page-aligned address at which it ends below `window.below`,
 * as Linux boot loaders do; throws {@link InitrdTooLargeError} if that address would be
 * below `window.above`.
 */
export function loadInitrd(
  memory: GuestMemory,
  initrd: Uint8Array,
  window: InitrdWindow,
): InitrdLoadResult {
  const size = BigInt(initrd.length);
  const address = ((window.below - size) / PAGE_SIZE) * PAGE_SIZE;
  if (size > window.below || address < window.above) {
    const room = window.below > window.above ? window.below - window.above : 0n;
    throw new InitrdTooLargeError(
      `the initrd is ${formatSize(initrd.length)} but only ${formatSize(room)} of guest RAM is ` +
        `free for it, between the kernel's end at ${hex(window.above)} and ${hex(window.below)} ` +
        "(the lower of the end of RAM below the MMIO gap and the kernel's initrd_addr_max + 1); " +
        'give the VM more memory or use a smaller initrd',
    );
  }
  memory.write(address, initrd);
  return { address, size: initrd.length };
}
