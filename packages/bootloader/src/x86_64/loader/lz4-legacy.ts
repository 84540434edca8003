import { InvalidKernelError, TruncatedKernelError } from '../../errors.js';

/** The little-endian u32 an LZ4 legacy stream starts with (and may repeat between blocks). */
export const LZ4_LEGACY_MAGIC = 0x184c_2102;

/** The most bytes one block of a legacy stream decodes to (8 MiB). */
export const LZ4_LEGACY_BLOCK_SIZE = 8 << 20;

/** Smallest match LZ4 encodes; the token's match length counts from here. */
const MIN_MATCH = 4;

/**
 * Called with each decoded block and its offset in the whole output. `inPlace` says that the
 * block was decoded into the buffer {@link Lz4BlockDestination} gave for it, which `block` is
 * then a view of; otherwise `block` is a scratch buffer, reused afterwards.
 */
export type Lz4BlockSink = (block: Uint8Array, outputOffset: number, inPlace: boolean) => void;

/**
 * Where the block that decodes to output offset `outputOffset` may be decoded in place: a
 * buffer that is to hold the block's bytes from its start, or `undefined` for the scratch
 * buffer. A block that does not fit the buffer is decoded again into the scratch buffer, so
 * the buffer may be left holding part of it.
 */
export type Lz4BlockDestination = (outputOffset: number) => Uint8Array | undefined;

/**
 * Decodes one raw LZ4 block (`input`, exactly its bytes) into `output` from its start, never
 * reading or writing outside either; returns the decoded length, or a negative number when the
 * block is malformed or does not fit. The contract of liblz4's `LZ4_decompress_safe`.
 */
export type Lz4BlockDecoder = (input: Uint8Array, output: Uint8Array) => number;

/** Whether `bytes` starts with {@link LZ4_LEGACY_MAGIC}. */
export function isLz4Legacy(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && readU32(bytes, 0) === LZ4_LEGACY_MAGIC;
}

/**
 * Decodes an LZ4 legacy stream (the format `lz4 -l` writes and Linux's `CONFIG_KERNEL_LZ4`
 * payload uses): the magic, then blocks, each a u32 compressed size and up to
 * {@link LZ4_LEGACY_BLOCK_SIZE} bytes' worth of independent LZ4 sequences; a repeated magic
 * starts a concatenated stream. Each block is handed to `sink` as it is decoded, in one
 * scratch buffer, so the whole output never has to exist at once, or straight into the buffer
 * `destinationFor` gives for it, which saves copying it from the scratch buffer to where it
 * belongs. Returns the number of bytes decoded. Blocks are decoded by `decodeBlock`
 * ({@link decodeLz4Block} unless another, such as a native one, is given). A stream that ends
 * inside a block is a {@link TruncatedKernelError}; a block that does not decode is an
 * {@link InvalidKernelError}.
 */
export function decodeLz4Legacy(
  stream: Uint8Array,
  sink: Lz4BlockSink,
  decodeBlock: Lz4BlockDecoder = decodeLz4Block,
  destinationFor: Lz4BlockDestination = () => undefined,
): number {
  const input = new Uint8Array(stream.buffer, stream.byteOffset, stream.byteLength);
  if (!isLz4Legacy(input)) {
    throw new InvalidKernelError('the kernel payload is not an LZ4 legacy stream (bad magic)');
  }
  const scratch = new Uint8Array(LZ4_LEGACY_BLOCK_SIZE);
  let position = 4;
  let decoded = 0;
  while (position < input.length) {
    if (position + 4 > input.length) {
      throw new TruncatedKernelError(
        `the kernel's LZ4 payload ends inside a block header at byte ${position}`,
      );
    }
    const blockSize = readU32(input, position);
    position += 4;
    if (blockSize === LZ4_LEGACY_MAGIC) continue;
    const blockEnd = position + blockSize;
    if (blockSize === 0 || blockEnd > input.length) {
      throw new TruncatedKernelError(
        `the kernel's LZ4 payload promises a ${blockSize}-byte block at byte ${position - 4}, ` +
          `but only ${input.length - position} bytes follow`,
      );
    }
    const compressed = input.subarray(position, blockEnd);
    const destination = destinationFor(decoded);
    const inPlaceLength = destination === undefined ? -1 : decodeBlock(compressed, destination);
    const inPlace = destination !== undefined && inPlaceLength >= 0;
    const output = inPlace ? destination : scratch;
    const length = inPlace ? inPlaceLength : decodeBlock(compressed, scratch);
    if (length < 0) {
      throw new InvalidKernelError(
        `the kernel's LZ4 payload is corrupt: the block at byte ${position - 4} does not ` +
          'decode; copy or download the kernel again',
      );
    }
    sink(output.subarray(0, length), decoded, inPlace);
    decoded += length;
    position = blockEnd;
  }
  return decoded;
}

/**
 * The {@link Lz4BlockDecoder} in JavaScript. Bounds are checked once per sequence, not per
 * byte; short copies go byte by byte, long ones through `set`/`copyWithin`.
 */
export function decodeLz4Block(input: Uint8Array, output: Uint8Array): number {
  const end = input.length;
  const capacity = output.length;
  let s = 0;
  let d = 0;
  while (s < end) {
    const token = input[s++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let more;
      do {
        more = input[s++]!;
        literals += more;
      } while (more === 255 && s < end);
    }
    if (s + literals > end || d + literals > capacity) return -1;
    if (literals < 32) {
      for (let i = 0; i < literals; i++) output[d + i] = input[s + i]!;
    } else {
      output.set(input.subarray(s, s + literals), d);
    }
    s += literals;
    d += literals;
    if (s === end) return d;
    if (s + 2 > end) return -1;
    const distance = input[s]! | (input[s + 1]! << 8);
    s += 2;
    let length = token & 15;
    if (length === 15) {
      let more;
      do {
        more = input[s++]!;
        length += more;
      } while (more === 255 && s < end);
    }
    length += MIN_MATCH;
    if (distance === 0 || distance > d || d + length > capacity || s >= end) return -1;
    let from = d - distance;
    if (distance >= length && length >= 32) {
      output.copyWithin(d, from, from + length);
      d += length;
    } else {
      const stop = d + length;
      while (d < stop) output[d++] = output[from++]!;
    }
  }
  return -1;
}

function readU32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16)) +
    bytes[offset + 3]! * 0x100_0000
  );
}
