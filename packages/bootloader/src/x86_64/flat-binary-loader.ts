import { type BootState, hex, x86_64Layout } from '@vmm/core';
import type { BootLoader, LoadTarget } from '../boot-loader.js';
import { EntryOutsideImageError, ImageOutOfRangeError, ImageOverlapError } from '../errors.js';
import { writeLongModeBootStructures } from './configurator/long-mode.js';
import { isInRam } from './ram.js';

/** Real-mode code can only address the first MiB. */
const REAL_MODE_LIMIT = 0x10_0000n;
/** Page size, for the boot stack's extent. */
const PAGE_SIZE = 0x1000n;

/** What {@link FlatBinaryLoader} boots. */
export interface FlatBinaryLoaderOptions {
  /** The raw machine code, copied byte for byte. */
  readonly image: Uint8Array;
  /** Guest physical address of the image's first byte. */
  readonly loadAddress: bigint;
  /** `'real'`: 16-bit real mode, image below 1 MiB; `'long'`: 64-bit mode with identity paging. */
  readonly mode: 'real' | 'long';
  /** Guest physical address of the first instruction; the image's first byte when omitted. */
  readonly entry?: bigint | undefined;
}

/** A named range of guest memory the long-mode boot structures occupy. */
interface ReservedRange {
  readonly name: string;
  readonly start: bigint;
  readonly end: bigint;
}

/** What `writeLongModeBootStructures` writes and the long-mode vCPU uses, by name. */
function longModeReservedRanges(): ReservedRange[] {
  const { BOOT_GDT, BOOT_STACK_POINTER, GDT_START, PDE_START, PDE_TABLES, PML4_START } =
    x86_64Layout;
  const stackBase = (BOOT_STACK_POINTER / PAGE_SIZE) * PAGE_SIZE;
  return [
    { name: 'boot GDT', start: GDT_START, end: GDT_START + BigInt(BOOT_GDT.length * 8) },
    { name: 'boot stack', start: stackBase, end: stackBase + PAGE_SIZE },
    {
      name: 'boot page tables',
      start: PML4_START,
      end: PDE_START + BigInt(PDE_TABLES) * PAGE_SIZE,
    },
  ];
}

/**
 * Loads a flat binary (raw machine code, e.g. a small hand-written test guest) at a fixed
 * address. In `'real'` mode nothing else is written and the vCPU starts in 16-bit real mode;
 * in `'long'` mode the identity page tables and boot GDT are written too and the vCPU starts
 * in 64-bit mode with rsi = 0 and the stack at `BOOT_STACK_POINTER`.
 *
 * Placement rules that do not depend on the VM are checked when the loader is constructed;
 * {@link FlatBinaryLoader.load} checks that the image lies in the VM's RAM.
 */
export class FlatBinaryLoader implements BootLoader {
  readonly #image: Uint8Array;
  readonly #loadAddress: bigint;
  readonly #mode: 'real' | 'long';
  readonly #entry: bigint;

  /**
   * Checks that the entry lies inside the image, that a real-mode image ends below 1 MiB, and
   * that a long-mode image lies inside the identity map without touching the GDT, stack or
   * page tables; throws {@link EntryOutsideImageError}, {@link ImageOutOfRangeError} or
   * {@link ImageOverlapError} otherwise.
   */
  constructor(options: FlatBinaryLoaderOptions) {
    this.#image = options.image;
    this.#loadAddress = options.loadAddress;
    this.#mode = options.mode;
    this.#entry = options.entry ?? options.loadAddress;
    const start = options.loadAddress;
    const end = start + BigInt(options.image.length);
    const span = `[${hex(start)}, ${hex(end)})`;
    if (this.#entry < start || this.#entry >= end) {
      throw new EntryOutsideImageError(
        `the entry point ${hex(this.#entry)} is outside the ${options.image.length}-byte image ` +
          `loaded at ${span}; pass an entry inside the image`,
      );
    }
    if (options.mode === 'real') {
      if (end > REAL_MODE_LIMIT) {
        throw new ImageOutOfRangeError(
          `the real-mode image would occupy ${span}, but real mode reaches only the first MiB ` +
            `(below ${hex(REAL_MODE_LIMIT)}); load it lower or use long mode`,
        );
      }
      return;
    }
    const identityEnd = BigInt(x86_64Layout.PDE_TABLES) << 30n;
    if (end > identityEnd) {
      throw new ImageOutOfRangeError(
        `the long-mode image would occupy ${span}, beyond the boot identity map that ends at ` +
          `${hex(identityEnd)}; load it lower`,
      );
    }
    for (const reserved of longModeReservedRanges()) {
      if (start < reserved.end && reserved.start < end) {
        throw new ImageOverlapError(
          `the long-mode image would occupy ${span}, overlapping the ${reserved.name} at ` +
            `[${hex(reserved.start)}, ${hex(reserved.end)}); load it elsewhere ` +
            `(e.g. at ${hex(x86_64Layout.KERNEL_START)})`,
        );
      }
    }
  }

  /**
   * Copies the image into `target.memory` (and, in long mode, the page tables and GDT) and
   * returns the boot state. Throws {@link ImageOutOfRangeError} if the image is not wholly
   * inside the VM's RAM.
   */
  load(target: LoadTarget): BootState {
    const { memory, ramSize } = target;
    if (!isInRam(ramSize, this.#loadAddress, this.#image.length)) {
      const ram = x86_64Layout
        .ramRanges(ramSize)
        .map(
          (range) =>
            `[${hex(range.guestAddress)}, ${hex(range.guestAddress + BigInt(range.size))})`,
        )
        .join(' and ');
      throw new ImageOutOfRangeError(
        `the ${this.#image.length}-byte image at ${hex(this.#loadAddress)} is not inside the ` +
          `VM's RAM (${ram}); load it inside RAM or give the VM more memory`,
      );
    }
    memory.write(this.#loadAddress, this.#image);
    if (this.#mode === 'real') return { mode: 'x86-real', entry: this.#entry };
    const structures = writeLongModeBootStructures(memory);
    return {
      mode: 'x86_64-long',
      entry: this.#entry,
      bootParams: 0n,
      pageTables: structures.pageTables,
      gdtBase: structures.gdtBase,
      gdtLimit: structures.gdtLimit,
      stack: x86_64Layout.BOOT_STACK_POINTER,
    };
  }
}
