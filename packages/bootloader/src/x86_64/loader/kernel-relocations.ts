import { type GuestMemory, hex } from '@vmm/core';
import { InvalidKernelError } from '../../errors.js';

/** Where x86_64 Linux maps its image: `__START_KERNEL_map`. */
export const START_KERNEL_MAP = 0xffff_ffff_8000_0000n;
/** The span KASLR may place the kernel's image in, from `__START_KERNEL_map` (`KERNEL_IMAGE_SIZE`). */
export const KERNEL_IMAGE_SIZE = 0x4000_0000n;
/** The alignment of a randomised kernel address (`CONFIG_PHYSICAL_ALIGN`, 2 MiB). */
export const KERNEL_ALIGN = 0x20_0000n;

/** The relocation table's sections, in the order they are read from its end. */
const ADD_32 = 0;
const SUBTRACT_32 = 1;
const ADD_64 = 2;

/** Where a kernel image was put and where it is to run. */
export interface KernelRelocationTarget {
  /** Guest physical address of the image's first byte (its link-time physical start). */
  readonly start: bigint;
  /** End (exclusive) of the image in guest physical memory. */
  readonly end: bigint;
  /** How far the kernel's virtual addresses move from their link-time values (2 MiB aligned). */
  readonly virtualDelta: bigint;
}

/**
 * The virtual displacement KASLR would choose for an image of `imageSize` bytes linked at
 * physical `start` (Linux's `find_random_virt_addr`): a random 2 MiB slot in
 * `[start, KERNEL_IMAGE_SIZE - imageSize]`, minus `start`. `random(n)` returns an integer in
 * `[0, n)`.
 */
export function randomVirtualDelta(
  start: bigint,
  imageSize: bigint,
  random: (slots: number) => number,
): bigint {
  const room = KERNEL_IMAGE_SIZE - start - imageSize;
  if (room < 0n) return 0n;
  const slots = Number(room / KERNEL_ALIGN) + 1;
  return BigInt(random(slots)) * KERNEL_ALIGN;
}

/**
 * Applies the relocation table Linux appends to a relocatable x86_64 `vmlinux`
 * (`vmlinux.relocs`, the last bytes of the decompressed payload: `tail` ends where the payload
 * ends) to an image loaded at `target.start`, moving its virtual addresses by
 * `target.virtualDelta`, as the kernel's decompressor does for KASLR. Read backwards from the
 * end, the table holds 32-bit relocations (add the delta to a u32), a zero, inverse 32-bit ones
 * (subtract it from an i32), a zero, then 64-bit ones (add it to a u64), each entry the
 * sign-extended kernel virtual address to patch. Returns the number of places patched.
 * Throws {@link InvalidKernelError} when an entry points outside the image or the table has no
 * end.
 */
export function applyKernelRelocations(
  memory: GuestMemory,
  tail: Uint8Array,
  target: KernelRelocationTarget,
): number {
  const { start, end, virtualDelta } = target;
  if (virtualDelta === 0n) return 0;
  if (virtualDelta < 0n || virtualDelta >= KERNEL_IMAGE_SIZE) {
    throw new RangeError(`a kernel's virtual delta lies in [0, 1 GiB); got ${hex(virtualDelta)}`);
  }
  const table = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const image = memory.slice(start, Number(end - start));
  const patch = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const imageSize = image.byteLength;
  const base = Number(START_KERNEL_MAP + start - 0x1_0000_0000_0000_0000n);
  const delta32 = Number(BigInt.asUintN(32, virtualDelta));
  // One flat loop over the table, which is read once and cold: no call per entry.
  let kind = ADD_32;
  let patched = 0;
  for (let at = tail.length - 4; ; at -= 4) {
    if (at < 0) {
      throw new InvalidKernelError(
        "the decompressed kernel's relocation table has no end; copy or download it again",
      );
    }
    const value = table.getInt32(at, true);
    if (value === 0) {
      if (kind === ADD_64) return patched;
      kind++;
      continue;
    }
    const offset = value - base;
    if (offset < 0 || offset + (kind === ADD_64 ? 8 : 4) > imageSize) {
      throw new InvalidKernelError(
        `the decompressed kernel's relocation for ${hex(BigInt.asUintN(64, BigInt(value)))} ` +
          `lies outside its image (${hex(start)}-${hex(end)})`,
      );
    }
    const word = patch.getUint32(offset, true);
    if (kind === SUBTRACT_32) {
      patch.setUint32(offset, (word - delta32) >>> 0, true);
    } else {
      // The delta is below 1 GiB: a 64-bit entry adds it to the low half and carries into the
      // high one, without a BigInt per entry.
      const sum = word + delta32;
      patch.setUint32(offset, sum >>> 0, true);
      if (kind === ADD_64 && sum > 0xffff_ffff) {
        patch.setUint32(offset + 4, (patch.getUint32(offset + 4, true) + 1) >>> 0, true);
      }
    }
    patched++;
  }
}
