import { type GuestMemory, hex, x86_64Layout } from '@vmm/core';
import { InvalidKernelError, KernelTooLargeError } from '../../errors.js';
import { formatSize } from '../../format-size.js';
import { lowRamEnd } from '../ram.js';
import { EM_X86_64, type Elf64Image, parseElf64 } from './elf64.js';
import { applyKernelRelocations, randomVirtualDelta } from './kernel-relocations.js';
import {
  decodeLz4Legacy,
  isLz4Legacy,
  LZ4_LEGACY_BLOCK_SIZE,
  type Lz4BlockDecoder,
} from './lz4-legacy.js';
import { nativeLz4BlockDecoder } from './native-lz4.js';
import type { SetupHeader } from './setup-header.js';

/** Size of the decompressed length Linux appends to its compressed payload. */
const SIZE_TRAILER = 4;
/**
 * The most bytes kept from the payload's end for its relocation table (Debian's: ~0.8 MB), which
 * starts where the ELF file's contents end.
 */
const RELOCATION_TABLE_MAX = 8 << 20;

/** How {@link loadDecompressedKernel} decodes and places the kernel. */
export interface DecompressedKernelOptions {
  /** Decodes LZ4 blocks: the host's liblz4 when it loads ({@link nativeLz4BlockDecoder}), else JavaScript. */
  readonly decodeBlock?: Lz4BlockDecoder | undefined;
  /**
   * Randomises the kernel's virtual address as KASLR does, with `random(n)` an integer in
   * `[0, n)`; the kernel runs at its link-time address without it.
   */
  readonly randomize?: ((slots: number) => number) | undefined;
}

/** Where a kernel that vmm decompressed went in guest memory. */
export interface DecompressedKernelLoadResult {
  /** The kernel proper's 64-bit entry (`startup_64`), a physical address. */
  readonly entry: bigint;
  /** Lowest guest physical address a load segment occupies. */
  readonly start: bigint;
  /** End (exclusive) of the highest load segment. */
  readonly end: bigint;
  /** Size in bytes of the decompressed ELF file (`vmlinux`), with its relocation table. */
  readonly decompressedSize: number;
  /** How far the kernel's virtual addresses were moved (0 without `randomize`). */
  readonly virtualDelta: bigint;
  /** How many places the relocation table patched (0 when nothing moved). */
  readonly relocations: number;
}

/**
 * The bzImage's compressed kernel when vmm can decompress it itself (an LZ4 payload, Linux's
 * `CONFIG_KERNEL_LZ4`), or `undefined` for any other compression, which the kernel's own
 * decompressor handles in the guest.
 */
export function lz4KernelPayload(kernel: Uint8Array, header: SetupHeader): Uint8Array | undefined {
  const start = header.setupSize + header.payloadOffset;
  const end = start + header.payloadLength;
  if (header.payloadLength <= SIZE_TRAILER || end > kernel.length) return undefined;
  const payload = kernel.subarray(start, end);
  return isLz4Legacy(payload) ? payload : undefined;
}

/**
 * Decompresses an LZ4 kernel payload (from {@link lz4KernelPayload}) and loads the ELF
 * `vmlinux` inside it the way the kernel's own decompressor would: each load segment at its
 * physical address, zero-filled to its memory size. The vCPU then enters the
 * kernel proper at `startup_64` directly, which skips the guest's decompression and
 * relocation. The decompressed file streams through one block-sized buffer; only its load
 * segments are written to guest RAM, and a block whose whole output lies inside one load segment
 * is decoded straight to its place there. Blocks are decoded by `options.decodeBlock`. With
 * `options.randomize` the kernel's virtual address moves by a random 2 MiB multiple and the
 * relocation table at the payload's end is applied, as the kernel's own decompressor does for
 * KASLR (the physical address stays the link-time one).
 *
 * Throws {@link KernelTooLargeError} when a segment lies outside the RAM between 1 MiB and the
 * 32-bit MMIO gap of a `ramSize` VM, and {@link InvalidKernelError} when the payload does not
 * decode to an x86-64 ELF executable of the size the payload states.
 */
export function loadDecompressedKernel(
  memory: GuestMemory,
  payload: Uint8Array,
  ramSize: number,
  options: DecompressedKernelOptions = {},
): DecompressedKernelLoadResult {
  const decodeBlock = options.decodeBlock ?? nativeLz4BlockDecoder();
  const stream = payload.subarray(0, payload.length - SIZE_TRAILER);
  const trailer = payload.subarray(payload.length - SIZE_TRAILER);
  const statedSize = new DataView(trailer.buffer, trailer.byteOffset, SIZE_TRAILER).getUint32(
    0,
    true,
  );
  let image: Elf64Image | undefined;
  // The relocation table follows the ELF file to the payload's end; it is kept only when the
  // kernel is to move, and only from where the ELF's contents end (copying a fixed 8 MiB cost
  // ~20 ms of a ~150 ms load natively).
  let tail = new Uint8Array();
  let tailStart = statedSize;
  const decodedSize = decodeLz4Legacy(
    stream,
    (block, offset, inPlace) => {
      if (image === undefined) {
        image = checkedImage(parseElf64(block, statedSize), ramSize);
        if (options.randomize !== undefined) {
          tailStart = Math.max(image.contentsEnd, statedSize - RELOCATION_TABLE_MAX);
          tail = new Uint8Array(statedSize - tailStart);
        }
      }
      const tailPart = blockPart(block, offset, tailStart, statedSize);
      if (tailPart !== undefined) tail.set(tailPart.bytes, tailPart.from - tailStart);
      if (inPlace) return;
      for (const segment of image.segments) {
        const { fileOffset, fileSize, physicalAddress } = segment;
        const part = blockPart(block, offset, fileOffset, fileOffset + fileSize);
        if (part === undefined) continue;
        memory.write(physicalAddress + BigInt(part.from - fileOffset), part.bytes);
      }
    },
    decodeBlock,
    (offset) => image && inPlaceDestination(memory, image, offset, statedSize),
  );
  if (image === undefined || decodedSize !== statedSize) {
    throw new InvalidKernelError(
      `the kernel's LZ4 payload decodes to ${decodedSize} bytes, but states ${statedSize}; ` +
        'copy or download the kernel again',
    );
  }
  for (const segment of image.segments) {
    memory
      .slice(
        segment.physicalAddress + BigInt(segment.fileSize),
        segment.memorySize - segment.fileSize,
      )
      .fill(0);
  }
  const { start, end } = segmentSpan(image);
  const virtualDelta =
    options.randomize === undefined
      ? 0n
      : randomVirtualDelta(start, end - start, options.randomize);
  const relocations = applyKernelRelocations(memory, tail, { start, end, virtualDelta });
  return {
    entry: image.entry,
    start,
    end,
    decompressedSize: decodedSize,
    virtualDelta,
    relocations,
  };
}

/**
 * The guest memory that a legacy block decoding to file offset `offset` can be decoded into
 * directly: where the load segment that holds its whole output (a full
 * {@link LZ4_LEGACY_BLOCK_SIZE}, or the rest of the file) puts those bytes. Blocks that
 * straddle a segment's edge, or lie outside the segments, go through the scratch buffer.
 */
function inPlaceDestination(
  memory: GuestMemory,
  image: Elf64Image,
  offset: number,
  fileSize: number,
): Uint8Array | undefined {
  const length = Math.min(LZ4_LEGACY_BLOCK_SIZE, fileSize - offset);
  const segment = image.segments.find(
    (candidate) =>
      offset >= candidate.fileOffset &&
      offset + length <= candidate.fileOffset + candidate.fileSize,
  );
  if (segment === undefined) return undefined;
  return memory.slice(segment.physicalAddress + BigInt(offset - segment.fileOffset), length);
}

/**
 * The bytes of `block` (decoded file bytes from `offset`) that fall in the file range
 * `[start, end)`, and the file offset they begin at; `undefined` when none do.
 */
function blockPart(
  block: Uint8Array,
  offset: number,
  start: number,
  end: number,
): { from: number; bytes: Uint8Array } | undefined {
  const from = Math.max(start, offset);
  const to = Math.min(end, offset + block.length);
  return from < to ? { from, bytes: block.subarray(from - offset, to - offset) } : undefined;
}

/** `image` once it is checked to be an x86-64 kernel that fits in a `ramSize` VM. */
function checkedImage(image: Elf64Image, ramSize: number): Elf64Image {
  if (image.machine !== EM_X86_64) {
    throw new InvalidKernelError(
      `the decompressed kernel is an ELF for machine ${image.machine}, not x86-64 (${EM_X86_64})`,
    );
  }
  const { start, end } = segmentSpan(image);
  const inside = image.segments.some(
    (segment) =>
      image.entry >= segment.physicalAddress &&
      image.entry < segment.physicalAddress + BigInt(segment.memorySize),
  );
  if (!inside) {
    throw new InvalidKernelError(
      `the decompressed kernel's entry point ${hex(image.entry)} lies in none of its segments`,
    );
  }
  const ramEnd = lowRamEnd(ramSize);
  if (start < x86_64Layout.KERNEL_START || end > ramEnd) {
    const advice =
      start >= x86_64Layout.KERNEL_START && end <= x86_64Layout.MMIO_GAP_START
        ? `give the VM at least ${Math.ceil(Number(end) / 0x10_0000)} MiB of memory`
        : `vmm loads kernels between ${hex(x86_64Layout.KERNEL_START)} and the MMIO gap at ` +
          `${hex(x86_64Layout.MMIO_GAP_START)}`;
    throw new KernelTooLargeError(
      `the decompressed kernel occupies ${hex(start)}-${hex(end)} ` +
        `(${formatSize(Number(end - start))}), but RAM below the MMIO gap ends at ` +
        `${hex(ramEnd)}; ${advice}`,
    );
  }
  return image;
}

/** The lowest start and highest end of `image`'s load segments in guest physical memory. */
function segmentSpan(image: Elf64Image): { start: bigint; end: bigint } {
  let start = image.segments[0]!.physicalAddress;
  let end = start;
  for (const segment of image.segments) {
    const segmentEnd = segment.physicalAddress + BigInt(segment.memorySize);
    if (segment.physicalAddress < start) start = segment.physicalAddress;
    if (segmentEnd > end) end = segmentEnd;
  }
  return { start, end };
}
