import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  InvalidKernelError,
  KernelTooLargeError,
  TruncatedKernelError,
  UnsupportedBootProtocolError,
} from '../src/errors.js';
import {
  decompressImage,
  IMAGE_MAGIC,
  LEGACY_TEXT_OFFSET,
  parseImageHeader,
} from '../src/aarch64/index.js';
import { arm64Image } from './fixtures/aarch64-image.js';

/** An EFI zboot file: "MZ", "zimg", payload offset and size, compression type, then the payload. */
function zboot(payload: Uint8Array, type = 'gzip', claimedSize = payload.length): Uint8Array {
  const offset = 0x100;
  const file = new Uint8Array(offset + payload.length);
  const view = new DataView(file.buffer);
  file.set([0x4d, 0x5a, 0, 0], 0);
  file.set(new TextEncoder().encode('zimg'), 4);
  view.setUint32(8, offset, true);
  view.setUint32(12, claimedSize, true);
  file.set(new TextEncoder().encode(`${type}\0`), 24);
  file.set(payload, offset);
  return file;
}

describe('parseImageHeader', () => {
  it('reads text_offset, image_size and flags of a modern kernel', () => {
    const header = parseImageHeader(arm64Image({ textOffset: 0n, imageSize: 0x1ab_0000n }));
    expect(header).toEqual({
      textOffset: 0n,
      imageSize: 0x1ab_0000,
      legacy: false,
      flags: 0xan,
      pageSize: 4096,
      placeAnywhere: true,
      peHeaderOffset: undefined,
    });
    expect(IMAGE_MAGIC).toBe(0x644d_5241);
  });

  it('decodes the page size bits and the placement bit', () => {
    expect(parseImageHeader(arm64Image({ flags: 0n })).pageSize).toBeUndefined();
    expect(parseImageHeader(arm64Image({ flags: 0b100n })).pageSize).toBe(16384);
    const big = parseImageHeader(arm64Image({ flags: 0b110n }));
    expect(big.pageSize).toBe(65536);
    expect(big.placeAnywhere).toBe(false);
  });

  it('assumes text_offset 0x80000 and the file length when image_size is 0 (pre-3.17)', () => {
    const header = parseImageHeader(
      arm64Image({ length: 0x3000, imageSize: 0n, textOffset: 0x1234n }),
    );
    expect(header.legacy).toBe(true);
    expect(header.textOffset).toBe(LEGACY_TEXT_OFFSET);
    expect(header.textOffset).toBe(0x8_0000n);
    expect(header.imageSize).toBe(0x3000);
  });

  it('finds the PE header of an EFI-stub kernel', () => {
    const header = parseImageHeader(arm64Image({ peHeaderOffset: 0x40 }));
    expect(header.peHeaderOffset).toBe(0x40);
  });

  it('rejects a file shorter than the header as truncated', () => {
    const short = arm64Image().subarray(0, 63);
    expect(() => parseImageHeader(short)).toThrow(TruncatedKernelError);
    expect(() => parseImageHeader(new Uint8Array(0))).toThrow(/shorter than the 64-byte/);
  });

  it('rejects an EFI stub whose PE header lies past the end of the file as truncated', () => {
    const image = arm64Image({ length: 0x100, peHeaderOffset: 0x400 });
    expect(() => parseImageHeader(image)).toThrow(TruncatedKernelError);
  });

  it('rejects an "MZ" file without a PE signature where res5 points', () => {
    const image = arm64Image({ peHeaderOffset: 0x40 });
    image[0x40] = 0;
    expect(() => parseImageHeader(image)).toThrow(InvalidKernelError);
  });

  it('rejects a wrong magic, naming what it found', () => {
    const image = arm64Image({ magic: 0x464c_457f });
    expect(() => parseImageHeader(image)).toThrow(InvalidKernelError);
    expect(() => parseImageHeader(image)).toThrow(/0x464c457f/);
  });

  it('rejects a gzip file with the command that decompresses it', () => {
    const gz = gzipSync(arm64Image());
    expect(() => parseImageHeader(gz)).toThrow(InvalidKernelError);
    expect(() => parseImageHeader(gz)).toThrow(/zcat vmlinuz > Image/);
  });

  it('rejects a big-endian kernel', () => {
    const image = arm64Image({ flags: 0xbn });
    expect(() => parseImageHeader(image)).toThrow(UnsupportedBootProtocolError);
    expect(() => parseImageHeader(image)).toThrow(/big-endian/);
  });
});

describe('decompressImage', () => {
  it('returns an uncompressed Image as it is', () => {
    const image = arm64Image();
    expect(decompressImage(image)).toBe(image);
  });

  it('gunzips a gzip-compressed Image', () => {
    const image = arm64Image({ length: 0x5000 });
    const unpacked = decompressImage(gzipSync(image));
    expect(unpacked).toEqual(image);
    expect(parseImageHeader(unpacked).imageSize).toBe(0x2_0000);
  });

  it('unpacks the gzip payload of an EFI zboot image', () => {
    const image = arm64Image({ length: 0x4000, peHeaderOffset: 0x40 });
    const unpacked = decompressImage(zboot(gzipSync(image)));
    expect(unpacked).toEqual(image);
    expect(parseImageHeader(unpacked).peHeaderOffset).toBe(0x40);
  });

  it('names the compression of a zboot image it cannot unpack', () => {
    expect(() => decompressImage(zboot(new Uint8Array(64), 'zstd'))).toThrow(InvalidKernelError);
    expect(() => decompressImage(zboot(new Uint8Array(64), 'zstd'))).toThrow(/"zstd"/);
  });

  it('reports a zboot payload that runs past the end of the file as truncated', () => {
    const payload = gzipSync(arm64Image());
    expect(() => decompressImage(zboot(payload, 'gzip', payload.length + 100))).toThrow(
      TruncatedKernelError,
    );
  });

  it('reports a cut-short gzip file as truncated', () => {
    const gz = gzipSync(arm64Image({ length: 0x10_0000 }));
    expect(() => decompressImage(gz.subarray(0, gz.length / 2))).toThrow(TruncatedKernelError);
  });

  it('reports corrupt gzip data as an invalid kernel', () => {
    const corrupt = Uint8Array.of(0x1f, 0x8b, 0x42, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3);
    expect(() => decompressImage(corrupt)).toThrow(InvalidKernelError);
  });

  it('refuses to decompress past the 64 MiB the layout has for a kernel', () => {
    const bomb = gzipSync(new Uint8Array(65 * 0x10_0000));
    expect(() => decompressImage(bomb)).toThrow(KernelTooLargeError);
  });
});
