import { KernelImageError } from './errors.js';

/**
 * The format of a kernel image: `bzImage` (x86, boot protocol header `HdrS` at 0x202) or
 * `arm64-image` (the arm64 `Image`, magic `ARM\x64` at byte 56; Debian's arm64 vmlinuz is one,
 * uncompressed, with an EFI stub in front).
 */
export type KernelImageFormat = 'bzImage' | 'arm64-image';

/** Byte offset of the magic number in an arm64 `Image` header. */
export const ARM64_IMAGE_MAGIC_OFFSET = 56;

/** The arm64 `Image` magic, `ARM\x64` read as a little-endian 32-bit number. */
export const ARM64_IMAGE_MAGIC = 0x644d_5241;

/** Byte offset of the `HdrS` signature of the x86 boot protocol header in a bzImage. */
export const BZIMAGE_HEADER_OFFSET = 0x202;

/** Tells whether `bytes` carry the arm64 `Image` magic at {@link ARM64_IMAGE_MAGIC_OFFSET}. */
export function isArm64Image(bytes: Uint8Array): boolean {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (
    view.length >= ARM64_IMAGE_MAGIC_OFFSET + 4 &&
    view.readUInt32LE(ARM64_IMAGE_MAGIC_OFFSET) === ARM64_IMAGE_MAGIC
  );
}

/** Tells whether `bytes` carry the x86 boot protocol signature `HdrS` at 0x202. */
export function isBzImage(bytes: Uint8Array): boolean {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (
    view.length >= BZIMAGE_HEADER_OFFSET + 4 &&
    view.toString('latin1', BZIMAGE_HEADER_OFFSET, BZIMAGE_HEADER_OFFSET + 4) === 'HdrS'
  );
}

/**
 * Checks that `bytes` are a kernel image of `format`.
 *
 * @throws {@link KernelImageError} naming `source` when they are not; for an arm64 image that
 * is gzip-compressed (as some distributions ship it) the message says so.
 */
export function checkKernelImage(
  format: KernelImageFormat,
  bytes: Uint8Array,
  source: string,
): void {
  if (format === 'bzImage') {
    if (!isBzImage(bytes)) {
      throw new KernelImageError(`${source} is not an x86 bzImage (no 'HdrS' at byte 0x202)`);
    }
    return;
  }
  if (!isArm64Image(bytes)) {
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    throw new KernelImageError(
      `${source} is not a raw arm64 Image (no 'ARM\\x64' magic at byte ${ARM64_IMAGE_MAGIC_OFFSET})${gzip ? '; it is gzip-compressed, vmm needs the uncompressed Image' : ''}`,
    );
  }
}
