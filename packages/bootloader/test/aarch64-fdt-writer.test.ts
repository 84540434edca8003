import { describe, expect, it } from 'vitest';
import {
  DeviceTreeError,
  FDT_LAST_COMPATIBLE_VERSION,
  FDT_MAGIC,
  FDT_VERSION,
  FdtWriter,
} from '../src/aarch64/index.js';
import { decompile, hasDtc } from './fixtures/dtc.js';

/** The ten header words of a blob. */
function header(blob: Uint8Array) {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const word = (i: number) => view.getUint32(i * 4);
  return {
    magic: word(0),
    totalSize: word(1),
    structureOffset: word(2),
    stringsOffset: word(3),
    reservationOffset: word(4),
    version: word(5),
    lastCompatibleVersion: word(6),
    bootCpuidPhys: word(7),
    stringsSize: word(8),
    structureSize: word(9),
  };
}

/** The structure block as 32-bit big-endian words. */
function structureWords(blob: Uint8Array): number[] {
  const h = header(blob);
  const view = new DataView(blob.buffer, blob.byteOffset + h.structureOffset, h.structureSize);
  return Array.from({ length: h.structureSize / 4 }, (_, i) => view.getUint32(i * 4));
}

/** The strings block as text. */
function strings(blob: Uint8Array): string {
  const h = header(blob);
  return new TextDecoder().decode(blob.subarray(h.stringsOffset, h.stringsOffset + h.stringsSize));
}

describe('FdtWriter', () => {
  it('writes the smallest tree: a header, an empty reservation block and a root node', () => {
    const fdt = new FdtWriter();
    fdt.beginNode('');
    fdt.endNode();
    const blob = fdt.finish();
    expect(header(blob)).toEqual({
      magic: 0xd00d_feed,
      totalSize: 40 + 16 + 16,
      structureOffset: 56,
      stringsOffset: 72,
      reservationOffset: 40,
      version: 17,
      lastCompatibleVersion: 16,
      bootCpuidPhys: 0,
      stringsSize: 0,
      structureSize: 16,
    });
    expect(blob.length).toBe(72);
    expect(Array.from(blob.subarray(40, 56))).toEqual(new Array(16).fill(0));
    // FDT_BEGIN_NODE, "" padded to 4 bytes, FDT_END_NODE, FDT_END.
    expect(structureWords(blob)).toEqual([1, 0, 2, 9]);
    expect([FDT_MAGIC, FDT_VERSION, FDT_LAST_COMPATIBLE_VERSION]).toEqual([0xd00d_feed, 17, 16]);
  });

  it('writes memory reservations before the zero entry, 8-byte aligned', () => {
    const fdt = new FdtWriter({ bootCpuidPhys: 3 });
    fdt.reserveMemory(0x4000_0000n, 0x1000n);
    fdt.beginNode('');
    fdt.endNode();
    const blob = fdt.finish();
    const h = header(blob);
    expect(h.reservationOffset % 8).toBe(0);
    expect(h.structureOffset).toBe(40 + 32);
    expect(h.bootCpuidPhys).toBe(3);
    const view = new DataView(blob.buffer);
    expect(view.getBigUint64(40)).toBe(0x4000_0000n);
    expect(view.getBigUint64(48)).toBe(0x1000n);
    expect(view.getBigUint64(56)).toBe(0n);
    expect(view.getBigUint64(64)).toBe(0n);
  });

  it('pads node names and property values to 4 bytes and encodes values big-endian', () => {
    const fdt = new FdtWriter();
    fdt.beginNode('');
    fdt.propertyU32('a', 0x1234_5678);
    fdt.beginNode('node@1');
    fdt.propertyString('s', 'abcde');
    fdt.propertyU64('w', 0x1_0000_0002n);
    fdt.propertyEmpty('e');
    fdt.endNode();
    fdt.endNode();
    const blob = fdt.finish();
    const h = header(blob);
    expect(h.structureSize % 4).toBe(0);
    expect(h.structureOffset % 4).toBe(0);
    expect(strings(blob)).toBe('a\0s\0w\0e\0');
    expect(structureWords(blob)).toEqual(
      [
        [1, 0], // root
        [3, 4, 0, 0x1234_5678], // a = <0x12345678>
        [1, 0x6e6f_6465, 0x4031_0000], // "node@1\0" + 1 byte of padding
        [3, 6, 2, 0x6162_6364, 0x6500_0000], // s = "abcde\0" + 2 bytes of padding
        [3, 8, 4, 1, 2], // w = <0x1 0x2>
        [3, 0, 6], // e (empty)
        [2, 2, 9], // end of node@1, end of root, end of the structure block
      ].flat(),
    );
    expect(h.totalSize).toBe(blob.length);
    expect(h.stringsOffset + h.stringsSize).toBe(blob.length);
  });

  it('stores each property name once in the strings block', () => {
    const fdt = new FdtWriter();
    fdt.beginNode('');
    fdt.propertyU32('#address-cells', 2);
    for (const name of ['a', 'b', 'c']) {
      fdt.beginNode(name);
      fdt.propertyString('compatible', name);
      fdt.propertyU32('#address-cells', 1);
      fdt.endNode();
    }
    fdt.endNode();
    const blob = fdt.finish();
    expect(strings(blob)).toBe('#address-cells\0compatible\0');
    const words = structureWords(blob);
    const nameOffsets = words.flatMap((word, i) => (word === 3 ? [words[i + 2]] : []));
    expect(nameOffsets).toEqual([0, 15, 0, 15, 0, 15, 0]);
  });

  it('writes string lists, u32 arrays, u64 arrays and phandles', () => {
    const fdt = new FdtWriter();
    fdt.beginNode('');
    fdt.propertyStringList('compatible', ['x,y', 'z']);
    fdt.propertyU32Array('cells', [1, 2, 3]);
    fdt.propertyU64Array('reg', [0x4000_0000n, 0x1000_0000n]);
    fdt.propertyPhandle(7);
    fdt.endNode();
    const words = structureWords(fdt.finish());
    expect(words.slice(2, 7)).toEqual([3, 6, 0, 0x782c_7900, 0x7a00_0000]);
    expect(words.slice(7, 13)).toEqual([3, 12, 11, 1, 2, 3]);
    expect(words.slice(13, 20)).toEqual([3, 16, 17, 0, 0x4000_0000, 0, 0x1000_0000]);
    expect(words.slice(20, 24)).toEqual([3, 4, 21, 7]);
  });

  it('rejects unbalanced nodes', () => {
    const unclosed = new FdtWriter();
    unclosed.beginNode('');
    unclosed.beginNode('cpus');
    expect(() => unclosed.finish()).toThrow(DeviceTreeError);
    expect(() => unclosed.finish()).toThrow(/\/cpus is still open/);

    const extra = new FdtWriter();
    extra.beginNode('');
    extra.endNode();
    expect(() => extra.endNode()).toThrow(/no node open/);
    expect(() => extra.beginNode('')).toThrow(/second root/);

    expect(() => new FdtWriter().finish()).toThrow(/empty/);
  });

  it('rejects properties outside a node, bad names, duplicates and use after finish', () => {
    const fdt = new FdtWriter();
    expect(() => fdt.propertyU32('a', 1)).toThrow(/outside any node/);
    expect(() => fdt.beginNode('root')).toThrow(/must be named ""/);
    fdt.beginNode('');
    expect(() => fdt.beginNode('9lives')).toThrow(/not a valid node name/);
    expect(() => fdt.beginNode('a'.repeat(32))).toThrow(/longer than 31/);
    expect(() => fdt.propertyU32('bad name', 1)).toThrow(/not a valid property name/);
    expect(() => fdt.propertyU32('a', -1)).toThrow(/32-bit cell/);
    expect(() => fdt.propertyU64('a', 1n << 64n)).toThrow(/64-bit/);
    expect(() => fdt.propertyPhandle(0)).toThrow(/reserved/);
    expect(() => fdt.propertyString('a', 'x\0y')).toThrow(/NUL/);
    fdt.propertyU32('a', 1);
    expect(() => fdt.propertyU32('a', 2)).toThrow(/already has a property "a"/);
    fdt.beginNode('n@1');
    fdt.endNode();
    expect(() => fdt.beginNode('n@1')).toThrow(/already has a child named "n@1"/);
    fdt.endNode();
    fdt.finish();
    expect(() => fdt.finish()).toThrow(/after finish/);
    expect(() => fdt.reserveMemory(0n, 1n)).toThrow(DeviceTreeError);
  });
});

if (!hasDtc) {
  console.warn(
    'skipping the dtc round trip of FdtWriter: dtc is not installed (apt-get install device-tree-compiler)',
  );
}

describe.skipIf(!hasDtc)('FdtWriter output read back by dtc', () => {
  it('decompiles nested nodes and every kind of value without warnings', () => {
    const fdt = new FdtWriter();
    fdt.reserveMemory(0x4800_0000n, 0x2000n);
    fdt.beginNode('');
    fdt.propertyU32('#address-cells', 2);
    fdt.propertyU32('#size-cells', 2);
    fdt.beginNode('outer');
    fdt.propertyStringList('compatible', ['vendor,outer', 'generic']);
    fdt.beginNode('inner');
    fdt.propertyEmpty('flag');
    fdt.propertyU32Array('cells', [1, 2, 0xffff_ffff]);
    fdt.endNode();
    fdt.endNode();
    fdt.endNode();
    const { status, dts, stderr } = decompile(fdt.finish());
    expect(status).toBe(0);
    expect(stderr).toBe('');
    expect(dts).toMatch(/\/memreserve\/\s+0x0*48000000 0x0*2000;/);
    expect(dts).toMatch(
      /outer \{\s+compatible = "vendor,outer\\0generic";\s+inner \{\s+flag;\s+cells = <0x01 0x02 0xffffffff>;/,
    );
  });
});
