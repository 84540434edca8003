import { createRequire } from 'node:module';
import { aarch64Layout } from '@vmm/core';
import { InvalidKernelError, KernelTooLargeError, TruncatedKernelError } from '../errors.js';
import { formatSize } from '../format-size.js';
import { isEfiZboot, isGzip } from './image-header.js';

/** Offset of the payload's offset (u32) in an EFI zboot header. */
const ZBOOT_PAYLOAD_OFFSET = 8;
/** Offset of the payload's size (u32) in an EFI zboot header. */
const ZBOOT_PAYLOAD_SIZE = 12;
/** Offset of the NUL-terminated compression type ("gzip", "zstd", ...) in an EFI zboot header. */
const ZBOOT_COMPRESSION_TYPE = 24;
/** Longest compression type name read. */
const ZBOOT_COMPRESSION_TYPE_MAX = 32;

/**
 * The uncompressed arm64 `Image` inside `kernel`: `kernel` itself when it is not compressed, the
 * gunzipped contents of a gzip file (`Image.gz`, some distributions' `vmlinuz`), or the gunzipped
 * payload of an EFI zboot image (`vmlinuz.efi` with `CONFIG_EFI_ZBOOT` and gzip). The result may
 * be at most `KERNEL_MAX` (64 MiB), the room the aarch64 layout has for a kernel.
 *
 * Throws {@link TruncatedKernelError} for a cut-short file, {@link KernelTooLargeError} when the
 * contents are larger than `KERNEL_MAX`, and {@link InvalidKernelError} for corrupt data or a zboot
 * image compressed with anything but gzip.
 */
export function decompressImage(kernel: Uint8Array): Uint8Array {
  if (isGzip(kernel)) return gunzip(kernel, 'the gzip-compressed kernel');
  if (!isEfiZboot(kernel)) return kernel;
  if (kernel.length < ZBOOT_COMPRESSION_TYPE + ZBOOT_COMPRESSION_TYPE_MAX) {
    throw new TruncatedKernelError(
      `the EFI zboot kernel is only ${formatSize(kernel.length)}, shorter than its header: ` +
        'the file is cut short; copy or download it again',
    );
  }
  const view = new DataView(kernel.buffer, kernel.byteOffset, kernel.byteLength);
  const offset = view.getUint32(ZBOOT_PAYLOAD_OFFSET, true);
  const size = view.getUint32(ZBOOT_PAYLOAD_SIZE, true);
  const typeBytes = kernel.subarray(
    ZBOOT_COMPRESSION_TYPE,
    ZBOOT_COMPRESSION_TYPE + ZBOOT_COMPRESSION_TYPE_MAX,
  );
  const end = typeBytes.indexOf(0);
  const type = new TextDecoder().decode(typeBytes.subarray(0, end < 0 ? typeBytes.length : end));
  if (type !== 'gzip') {
    throw new InvalidKernelError(
      `the EFI zboot kernel's payload is compressed with "${type}"; vmm unpacks gzip only: ` +
        'build the kernel with CONFIG_KERNEL_GZIP, or boot its plain arch/arm64/boot/Image',
    );
  }
  if (offset + size > kernel.length) {
    throw new TruncatedKernelError(
      `the EFI zboot kernel's payload ends at byte ${offset + size} but the file is only ` +
        `${kernel.length} bytes: the file is cut short; copy or download it again`,
    );
  }
  return gunzip(kernel.subarray(offset, offset + size), "the EFI zboot kernel's payload");
}

/**
 * Gunzips `data` (described as `what` in errors), refusing output beyond `KERNEL_MAX`. zlib is
 * loaded here, when a compressed arm64 kernel needs it, not with the module: the x86_64 boot
 * path never does, and loading it costs start-up time (tens of milliseconds in an emulated host).
 */
function gunzip(data: Uint8Array, what: string): Uint8Array {
  const limit = Number(aarch64Layout.KERNEL_MAX);
  const { gunzipSync } = createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
  try {
    const out = gunzipSync(data, { maxOutputLength: limit });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new KernelTooLargeError(
        `${what} decompresses to more than ${formatSize(limit)}, the room the aarch64 layout ` +
          'has for a kernel (KERNEL_MAX, below the device tree): build a smaller kernel',
        { cause: error },
      );
    }
    if (code === 'Z_BUF_ERROR') {
      throw new TruncatedKernelError(
        `${what} ends before its compressed data does: the file is cut short; copy or download it again`,
        { cause: error },
      );
    }
    throw new InvalidKernelError(
      `${what} cannot be decompressed (${(error as Error).message}): the file is damaged`,
      { cause: error },
    );
  }
}
