import { hex } from '@vmm/core';
import {
  InvalidKernelError,
  TruncatedKernelError,
  UnsupportedBootProtocolError,
} from '../errors.js';
import { formatSize } from '../format-size.js';

/** Size of the arm64 Image header (Linux `Documentation/arch/arm64/booting.rst`). */
export const IMAGE_HEADER_SIZE = 64;
/** `magic` at offset 56: "ARM\x64" read as a little-endian u32. */
export const IMAGE_MAGIC = 0x644d_5241;
/** `text_offset` to assume for kernels older than v3.17, whose `image_size` is 0. */
export const LEGACY_TEXT_OFFSET = 0x8_0000n;

/** Offset of `text_offset` (u64). */
const TEXT_OFFSET = 8;
/** Offset of `image_size` (u64). */
const IMAGE_SIZE = 16;
/** Offset of `flags` (u64). */
const FLAGS = 24;
/** Offset of `magic` (u32). */
const MAGIC = 56;
/** Offset of `res5`, the PE header's offset in EFI-stub kernels (u32). */
const PE_OFFSET = 60;
/** `flags` bit 0: the kernel is big-endian. */
const FLAG_BIG_ENDIAN = 1n;
/** `flags` bit 3: the kernel may be placed anywhere in physical memory (else near DRAM's base). */
const FLAG_PLACE_ANYWHERE = 1n << 3n;
/** Page sizes encoded by `flags` bits 1-2 (index 0: unspecified). */
const PAGE_SIZES = [undefined, 4096, 16384, 65536] as const;

/** What the header of an arm64 Linux `Image` says about loading it. */
export interface ImageHeader {
  /**
   * Where the image goes, in bytes above a 2 MiB aligned base in RAM. 0 for kernels since v5.8;
   * 0x80000 ({@link LEGACY_TEXT_OFFSET}) for pre-v3.17 kernels, whatever their header holds.
   */
  readonly textOffset: bigint;
  /**
   * Bytes the kernel occupies from its load address, BSS included (`image_size`); for a
   * pre-v3.17 kernel, whose `image_size` is 0, the file's length.
   */
  readonly imageSize: number;
  /** Whether `image_size` was 0, i.e. the kernel predates v3.17 and its defaults were assumed. */
  readonly legacy: boolean;
  /** The raw `flags` field. */
  readonly flags: bigint;
  /** The kernel's page size from `flags` bits 1-2 (4096, 16384 or 65536), if it says. */
  readonly pageSize: 4096 | 16384 | 65536 | undefined;
  /**
   * `flags` bit 3: the 2 MiB aligned base may be anywhere in RAM (else it should be as close to
   * the start of RAM as possible). Loading at `RAM_BASE` satisfies both.
   */
  readonly placeAnywhere: boolean;
  /**
   * Offset of the PE/COFF header ("PE\0\0") when the kernel carries an EFI stub (its file starts
   * with "MZ"); `undefined` for a plain Image.
   */
  readonly peHeaderOffset: number | undefined;
}

/** Whether `bytes` start with the gzip magic (0x1f 0x8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Whether `bytes` are an EFI zboot image: "MZ" then "zimg" (a compressed Image inside a PE file). */
export function isEfiZboot(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 && bytes[0] === 0x4d && bytes[1] === 0x5a && ascii(bytes, 4, 4) === 'zimg'
  );
}

/** `length` bytes of `bytes` at `offset` as Latin-1 text. */
function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/**
 * Parses and checks the header of an uncompressed arm64 Linux `Image` (what
 * `arch/arm64/boot/Image` holds; Debian's `vmlinuz` for arm64 is one too, with an EFI stub).
 * Throws {@link TruncatedKernelError} for a file shorter than the header (or than the PE header
 * it points to), {@link InvalidKernelError} for a compressed or foreign file, and
 * {@link UnsupportedBootProtocolError} for a big-endian kernel.
 */
export function parseImageHeader(image: Uint8Array): ImageHeader {
  if (isGzip(image)) {
    throw new InvalidKernelError(
      'the kernel is gzip-compressed (a vmlinuz or Image.gz), not an arm64 Image: decompress it ' +
        'first (zcat vmlinuz > Image), or give it to ImageLoader, which decompresses gzip itself',
    );
  }
  if (isEfiZboot(image)) {
    throw new InvalidKernelError(
      'the kernel is an EFI zboot image (a compressed Image inside an EFI application), not an ' +
        'arm64 Image: give it to ImageLoader, which unpacks gzip payloads, or extract the Image',
    );
  }
  if (image.length < IMAGE_HEADER_SIZE) {
    throw new TruncatedKernelError(
      `the kernel is ${formatSize(image.length)}, shorter than the ${IMAGE_HEADER_SIZE}-byte ` +
        'arm64 Image header: the file is cut short; copy or download it again',
    );
  }
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const magic = view.getUint32(MAGIC, true);
  if (magic !== IMAGE_MAGIC) {
    throw new InvalidKernelError(
      `the kernel is not an arm64 Linux Image: offset 56 holds ${hex(magic)} where ` +
        `"ARM\\x64" (${hex(IMAGE_MAGIC)}) belongs. Use the kernel's arch/arm64/boot/Image ` +
        "(or the distribution's arm64 vmlinuz), not an ELF vmlinux, a U-Boot uImage or an x86 bzImage",
    );
  }
  const flags = view.getBigUint64(FLAGS, true);
  if ((flags & FLAG_BIG_ENDIAN) !== 0n) {
    throw new UnsupportedBootProtocolError(
      'the kernel is a big-endian arm64 Image (flags bit 0 set); vmm boots little-endian ' +
        'kernels only: build it without CONFIG_CPU_BIG_ENDIAN',
    );
  }
  const headerImageSize = view.getBigUint64(IMAGE_SIZE, true);
  const legacy = headerImageSize === 0n;
  return {
    textOffset: legacy ? LEGACY_TEXT_OFFSET : view.getBigUint64(TEXT_OFFSET, true),
    imageSize: legacy ? image.length : Number(headerImageSize),
    legacy,
    flags,
    pageSize: PAGE_SIZES[Number((flags >> 1n) & 3n)],
    placeAnywhere: (flags & FLAG_PLACE_ANYWHERE) !== 0n,
    peHeaderOffset: peHeaderOffset(image, view),
  };
}

/** The PE header's offset for an EFI-stub kernel ("MZ" at 0), else `undefined`. */
function peHeaderOffset(image: Uint8Array, view: DataView): number | undefined {
  if (image[0] !== 0x4d || image[1] !== 0x5a) return undefined;
  const offset = view.getUint32(PE_OFFSET, true);
  if (offset + 4 > image.length) {
    throw new TruncatedKernelError(
      `the kernel's EFI stub says its PE header is at offset ${offset}, but the file is only ` +
        `${formatSize(image.length)}: the file is cut short; copy or download it again`,
    );
  }
  if (ascii(image, offset, 4) !== 'PE\0\0') {
    throw new InvalidKernelError(
      `the kernel starts with "MZ" (an EFI stub) but has no "PE\\0\\0" signature at offset ` +
        `${offset}, where its header points: the file is damaged`,
    );
  }
  return offset;
}
