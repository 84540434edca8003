import { type GuestMemory, hex, x86_64Layout } from '@vmm/core';
import { KernelTooLargeError } from '../../errors.js';
import { formatSize } from '../../format-size.js';
import { ENTRY_64_OFFSET } from '../boot-params.js';
import { lowRamEnd } from '../ram.js';
import { parseSetupHeader, type SetupHeader } from './setup-header.js';

/** Where a bzImage went in guest memory and what it will occupy once it runs. */
export interface BzImageLoadResult {
  /** The kernel's checked setup header. */
  readonly header: SetupHeader;
  /** Guest physical address of the protected-mode kernel ({@link x86_64Layout.KERNEL_START}). */
  readonly loadAddress: bigint;
  /** Size in bytes of the protected-mode kernel copied to {@link BzImageLoadResult.loadAddress}. */
  readonly loadSize: number;
  /** The 64-bit entry point: load address + 0x200. */
  readonly entry: bigint;
  /**
   * Where the kernel decompresses and runs (boot.rst's runtime start): a relocatable kernel
   * moves up to its aligned load address or `pref_address`, whichever is higher; a fixed one
   * runs at `pref_address`.
   */
  readonly runtimeStart: bigint;
  /**
   * End (exclusive) of all the memory the kernel claims: its image, and `init_size` bytes
   * from the runtime start.
   */
  readonly end: bigint;
}

/**
 * Loads a bzImage's protected-mode kernel at {@link x86_64Layout.KERNEL_START} (the loading
 * half; the zero page is written by the configurator). Checks the setup header (pass `header`
 * when it was already parsed from this `kernel`) and that the kernel, including the
 * `init_size` bytes it needs from its runtime start, fits in the RAM below the 32-bit MMIO gap
 * of a `ramSize` VM; throws {@link KernelTooLargeError} otherwise.
 */
export function loadBzImage(
  memory: GuestMemory,
  kernel: Uint8Array,
  ramSize: number,
  header: SetupHeader = parseSetupHeader(kernel),
): BzImageLoadResult {
  const loadAddress = x86_64Layout.KERNEL_START;
  const image = kernel.subarray(header.setupSize);
  const runtimeStart = kernelRuntimeStart(header, loadAddress);
  const imageEnd = loadAddress + BigInt(image.length);
  const runtimeEnd = runtimeStart + BigInt(header.initSize);
  const end = imageEnd > runtimeEnd ? imageEnd : runtimeEnd;
  const ramEnd = lowRamEnd(ramSize);
  if (end > ramEnd) {
    const advice =
      end <= x86_64Layout.MMIO_GAP_START
        ? `give the VM at least ${Math.ceil(Number(end) / 0x10_0000)} MiB of memory`
        : `it cannot fit below the MMIO gap at ${hex(x86_64Layout.MMIO_GAP_START)}; use a smaller kernel`;
    throw new KernelTooLargeError(
      `the kernel needs guest RAM up to ${hex(end)} (a ${formatSize(image.length)} image at ` +
        `${hex(loadAddress)} that runs from ${hex(runtimeStart)} and needs init_size ` +
        `${formatSize(header.initSize)} there), but RAM below the MMIO gap ends at ` +
        `${hex(ramEnd)}; ${advice}`,
    );
  }
  memory.write(loadAddress, image);
  return {
    header,
    loadAddress,
    loadSize: image.length,
    entry: loadAddress + ENTRY_64_OFFSET,
    runtimeStart,
    end,
  };
}

/** boot.rst's runtime start address of a kernel whose protected-mode code is at `loadAddress`. */
function kernelRuntimeStart(header: SetupHeader, loadAddress: bigint): bigint {
  if (!header.relocatable) return header.prefAddress;
  const start = loadAddress > header.prefAddress ? loadAddress : header.prefAddress;
  const alignment = BigInt(Math.max(header.kernelAlignment, 1));
  return ((start + alignment - 1n) / alignment) * alignment;
}
