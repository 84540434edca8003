import { describe, expect, it } from 'vitest';
import {
  decodeLz4Block,
  decodeLz4Legacy,
  InvalidKernelError,
  isLz4Legacy,
  LZ4_LEGACY_BLOCK_SIZE,
  type Lz4BlockDecoder,
  nativeLz4BlockDecoder,
  TruncatedKernelError,
} from '../src/index.js';
import { lz4Block, lz4LegacyStream, lz4LiteralStream } from './fixtures/lz4.js';

const bytes = (text: string) => new TextEncoder().encode(text);

const native = nativeLz4BlockDecoder();
if (native === undefined) {
  console.warn('skipping the liblz4 decoder tests: koffi or liblz4 cannot be loaded here');
}
const decoders: [string, Lz4BlockDecoder | undefined][] = [
  ['JavaScript', decodeLz4Block],
  ['liblz4', native],
];

it('recognises the legacy magic', () => {
  expect(isLz4Legacy(lz4LegacyStream([]))).toBe(true);
  expect(isLz4Legacy(bytes('\x1f\x8b\x08\x00'))).toBe(false);
  expect(isLz4Legacy(new Uint8Array(3))).toBe(false);
});

describe.each(decoders)('decodeLz4Legacy with the %s block decoder', (_, decoder) => {
  /** Decodes `stream` into one array, recording each block's offset and length. */
  function decodeAll(stream: Uint8Array) {
    const parts: Uint8Array[] = [];
    const blocks: [number, number][] = [];
    const total = decodeLz4Legacy(
      stream,
      (block, offset) => {
        parts.push(block.slice());
        blocks.push([offset, block.length]);
      },
      decoder,
    );
    return { output: Buffer.concat(parts), total, blocks };
  }

  if (decoder === undefined) {
    it.skip('needs koffi and liblz4', () => undefined);
    return;
  }

  it('copies literals and matches, overlapping ones byte by byte', () => {
    const block = lz4Block([
      { literals: bytes('abc'), match: { distance: 3, length: 7 } },
      { literals: bytes('-x'), match: { distance: 1, length: 5 } },
      { literals: bytes(' the end') },
    ]);
    const { output, total } = decodeAll(lz4LegacyStream([block]));
    expect(output.toString()).toBe('abcabcabca-xxxxxx the end');
    expect(total).toBe(25);
  });

  it('decodes long literal runs and long matches with their length bytes', () => {
    const literals = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const block = lz4Block([
      { literals, match: { distance: 300, length: 290 } },
      { literals: bytes('end') },
    ]);
    const { output } = decodeAll(lz4LegacyStream([block]));
    expect(output.length).toBe(593);
    expect(Buffer.compare(output.subarray(0, 300), literals)).toBe(0);
    expect(Buffer.compare(output.subarray(300, 590), literals.subarray(0, 290))).toBe(0);
    expect(output.subarray(590).toString()).toBe('end');
  });

  it('hands over block after block with their offsets, across a repeated magic', () => {
    const one = lz4Block([{ literals: bytes('first ') }]);
    const two = lz4Block([{ literals: bytes('second') }]);
    const { output, blocks } = decodeAll(lz4LegacyStream([one, 'magic', two]));
    expect(output.toString()).toBe('first second');
    expect(blocks).toEqual([
      [0, 6],
      [6, 6],
    ]);
  });

  it('round-trips data larger than one block', () => {
    const data = Uint8Array.from(
      { length: LZ4_LEGACY_BLOCK_SIZE + 1000 },
      (_, i) => (i * 31) & 0xff,
    );
    const { output, blocks } = decodeAll(lz4LiteralStream(data, LZ4_LEGACY_BLOCK_SIZE));
    expect(blocks).toEqual([
      [0, LZ4_LEGACY_BLOCK_SIZE],
      [LZ4_LEGACY_BLOCK_SIZE, 1000],
    ]);
    expect(Buffer.compare(output, data)).toBe(0);
  });

  it('decodes a block into the buffer given for it, and one that does not fit into scratch', () => {
    const data = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
    const stream = lz4LiteralStream(data, 1000);
    const destinations = new Map([
      [0, new Uint8Array(1000)],
      [1000, new Uint8Array(999)],
    ]);
    const blocks: [number, boolean, boolean][] = [];
    const parts: Uint8Array[] = [];
    decodeLz4Legacy(
      stream,
      (block, offset, inPlace) => {
        const given = destinations.get(offset);
        blocks.push([offset, inPlace, given !== undefined && block.buffer === given.buffer]);
        parts.push(block.slice());
      },
      decoder,
      (offset) => destinations.get(offset),
    );
    expect(blocks).toEqual([
      [0, true, true],
      [1000, false, false],
      [2000, false, false],
    ]);
    expect(Buffer.compare(Buffer.concat(parts), data)).toBe(0);
    expect(Buffer.compare(destinations.get(0)!, data.subarray(0, 1000))).toBe(0);
  });

  it('rejects a stream without the magic', () => {
    expect(() => decodeLz4Legacy(bytes('not lz4!'), () => undefined, decoder)).toThrow(
      InvalidKernelError,
    );
  });

  it('rejects a match that reaches before the block', () => {
    const block = lz4Block([
      { literals: bytes('ab'), match: { distance: 3, length: 4 } },
      { literals: bytes('z') },
    ]);
    expect(() => decodeAll(lz4LegacyStream([block]))).toThrow(/does not decode/);
  });

  it('rejects a zero match distance', () => {
    const block = lz4Block([
      { literals: bytes('ab'), match: { distance: 0, length: 4 } },
      { literals: bytes('z') },
    ]);
    expect(() => decodeAll(lz4LegacyStream([block]))).toThrow(InvalidKernelError);
  });

  it('rejects a block that ends after a match', () => {
    const block = lz4Block([{ literals: bytes('ab'), match: { distance: 2, length: 4 } }]);
    expect(() => decodeAll(lz4LegacyStream([block]))).toThrow(InvalidKernelError);
  });

  it('rejects literals that run past their block', () => {
    const block = lz4Block([{ literals: bytes('abcdef') }]);
    const cut = lz4LegacyStream([block.subarray(0, 4)]);
    expect(() => decodeAll(cut)).toThrow(InvalidKernelError);
  });

  it('rejects a block that would decode to more than 8 MiB', () => {
    const big = new Uint8Array(LZ4_LEGACY_BLOCK_SIZE + 1);
    expect(() => decodeAll(lz4LegacyStream([lz4Block([{ literals: big }])]))).toThrow(
      InvalidKernelError,
    );
  });

  it('rejects a stream that ends inside a block or its size', () => {
    const stream = lz4LegacyStream([lz4Block([{ literals: bytes('hello') }])]);
    expect(() => decodeAll(stream.subarray(0, stream.length - 2))).toThrow(TruncatedKernelError);
    expect(() => decodeAll(stream.subarray(0, 6))).toThrow(TruncatedKernelError);
  });
});
