import { describe, expect, it } from 'vitest';
import {
  AcpiTableError,
  amlBuffer,
  amlDevice,
  amlEisaId,
  amlInteger,
  amlIoRange,
  amlIrqNoFlags,
  amlName,
  amlNameSeg,
  amlNameString,
  amlPackage,
  amlPkgLength,
  amlResourceTemplate,
  amlScope,
  buildX86Dsdt,
  SDT_HEADER_SIZE,
} from '../src/index.js';

/** Bytes as a list of numbers, for readable comparisons. */
const list = (bytes: Uint8Array) => [...bytes];
/** "ABCD" as its ASCII codes. */
const chars = (text: string) => [...text].map((char) => char.charCodeAt(0));

describe('AML encoders', () => {
  it('encodes PkgLength in one byte up to 63 and in 2-4 bytes beyond', () => {
    expect(list(amlPkgLength(0))).toEqual([0x01]);
    expect(list(amlPkgLength(62))).toEqual([0x3f]);
    // 63 bytes of content + 2 PkgLength bytes = 65 = 0x41: lead 0x40 | 0x1, then 0x41 >> 4.
    expect(list(amlPkgLength(63))).toEqual([0x41, 0x04]);
    // 0xffd + 2 = 0xfff, the largest two-byte value.
    expect(list(amlPkgLength(0xffd))).toEqual([0x4f, 0xff]);
    // 0xffe + 3 = 0x1001: lead 0x80 | 0x1, then 0x00, 0x01.
    expect(list(amlPkgLength(0xffe))).toEqual([0x81, 0x00, 0x01]);
    // 0x10_0000 + 4 = 0x10_0004: lead 0xc0 | 0x4, then 0x00, 0x00, 0x01.
    expect(list(amlPkgLength(0x10_0000))).toEqual([0xc4, 0x00, 0x00, 0x01]);
    expect(() => amlPkgLength(0x1000_0000)).toThrow(AcpiTableError);
  });

  it('encodes integers in their shortest form', () => {
    expect(list(amlInteger(0))).toEqual([0x00]);
    expect(list(amlInteger(1))).toEqual([0x01]);
    expect(list(amlInteger(5))).toEqual([0x0a, 0x05]);
    expect(list(amlInteger(0x3f8))).toEqual([0x0b, 0xf8, 0x03]);
    expect(list(amlInteger(0xfec0_0000))).toEqual([0x0c, 0x00, 0x00, 0xc0, 0xfe]);
    expect(list(amlInteger(0x1_0000_0000n))).toEqual([0x0e, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(() => amlInteger(-1)).toThrow(AcpiTableError);
    expect(() => amlInteger(2n ** 64n)).toThrow(AcpiTableError);
  });

  it('encodes name segments and paths', () => {
    expect(list(amlNameSeg('_S5'))).toEqual(chars('_S5_'));
    expect(list(amlNameString('COM1'))).toEqual(chars('COM1'));
    expect(list(amlNameString('\\_SB_'))).toEqual([0x5c, ...chars('_SB_')]);
    expect(list(amlNameString('\\_SB.COM1'))).toEqual([0x5c, 0x2e, ...chars('_SB_COM1')]);
    expect(list(amlNameString('A.B.C'))).toEqual([0x2f, 3, ...chars('A___B___C___')]);
    expect(list(amlNameString('\\'))).toEqual([0x5c, 0x00]);
    for (const bad of ['', 'com1', '1ABC', 'TOOLONG', 'A..B']) {
      expect(() => amlNameString(bad), bad).toThrow(AcpiTableError);
    }
  });

  it('compresses EISA ids as ASL does', () => {
    // PNP0501 -> 0x0105D041 in memory order 41 D0 05 01; PNP0A03 -> 41 D0 0A 03.
    expect(list(amlEisaId('PNP0501'))).toEqual([0x0c, 0x41, 0xd0, 0x05, 0x01]);
    expect(list(amlEisaId('PNP0A03'))).toEqual([0x0c, 0x41, 0xd0, 0x0a, 0x03]);
    expect(() => amlEisaId('pnp0501')).toThrow(AcpiTableError);
  });

  it('wraps names, packages, buffers, scopes and devices', () => {
    expect(list(amlName('_UID', amlInteger(0)))).toEqual([0x08, ...chars('_UID'), 0x00]);
    expect(list(amlPackage([amlInteger(2), amlInteger(1)]))).toEqual([
      0x12, 0x05, 0x02, 0x0a, 0x02, 0x01,
    ]);
    expect(list(amlBuffer(Uint8Array.of(0xaa, 0xbb)))).toEqual([
      0x11, 0x05, 0x0a, 0x02, 0xaa, 0xbb,
    ]);
    expect(list(amlScope('\\_SB_', []))).toEqual([0x10, 0x06, 0x5c, ...chars('_SB_')]);
    expect(list(amlDevice('DEV0', []))).toEqual([0x5b, 0x82, 0x05, ...chars('DEV0')]);
    const big = amlBuffer(new Uint8Array(100));
    // 100 data bytes + BufferSize 0x0A 0x64 = 102, + 2 PkgLength bytes = 104 = 0x68.
    expect(list(big.subarray(0, 5))).toEqual([0x11, 0x48, 0x06, 0x0a, 0x64]);
    expect(big.length).toBe(105);
  });

  it('encodes I/O, IRQ and end-tag resource descriptors', () => {
    expect(list(amlIoRange(0x3f8, 8))).toEqual([0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08]);
    expect(list(amlIrqNoFlags([4]))).toEqual([0x22, 0x10, 0x00]);
    expect(list(amlIrqNoFlags([1, 12]))).toEqual([0x22, 0x02, 0x10]);
    expect(list(amlResourceTemplate([]))).toEqual([0x11, 0x05, 0x0a, 0x02, 0x79, 0x00]);
    expect(() => amlIrqNoFlags([16])).toThrow(AcpiTableError);
    expect(() => amlIoRange(0x1_0000, 8)).toThrow(AcpiTableError);
  });
});

describe('the x86_64 DSDT', () => {
  it('holds exactly the hand-checked AML for \\_S5_, COM1 and the RTC', () => {
    const dsdt = buildX86Dsdt();
    const aml = dsdt.subarray(SDT_HEADER_SIZE);
    // prettier-ignore
    const expected = [
      // Name (_S5, Package () { 5, 0 })
      0x08,                         // NameOp
      0x5f, 0x53, 0x35, 0x5f,       // NameSeg "_S5_"
      0x12,                         // PackageOp
      0x05,                         // PkgLength 5: itself, NumElements and 3 bytes of elements
      0x02,                         // NumElements 2
      0x0a, 0x05,                   // BytePrefix 5: SLP_TYPa
      0x00,                         // ZeroOp: SLP_TYPb
      // Scope (\_SB) {
      0x10,                         // ScopeOp
      0x4b, 0x05,                   // PkgLength 91 in two bytes: itself + 5 (name) + 45 + 39
      0x5c, 0x5f, 0x53, 0x42, 0x5f, // RootChar, NameSeg "_SB_"
      //   Device (COM1) {
      0x5b, 0x82,                   // ExtOpPrefix, DeviceOp
      0x2b,                         // PkgLength 43: itself + 4 (name) + 10 + 6 + 22
      0x43, 0x4f, 0x4d, 0x31,       // NameSeg "COM1"
      //     Name (_HID, EisaId ("PNP0501"))
      0x08, 0x5f, 0x48, 0x49, 0x44, // NameOp, "_HID"
      0x0c, 0x41, 0xd0, 0x05, 0x01, // DWordPrefix 0x0105D041
      //     Name (_UID, Zero)
      0x08, 0x5f, 0x55, 0x49, 0x44, // NameOp, "_UID"
      0x00,                         // ZeroOp
      //     Name (_CRS, ResourceTemplate () { ... })
      0x08, 0x5f, 0x43, 0x52, 0x53, // NameOp, "_CRS"
      0x11,                         // BufferOp
      0x10,                         // PkgLength 16: itself + 2 (size) + 13 (bytes)
      0x0a, 0x0d,                   // BufferSize: BytePrefix 13
      0x47,                         // I/O port descriptor (type 8, 7 bytes follow)
      0x01,                         //   Decode16
      0xf8, 0x03,                   //   minimum base 0x3F8
      0xf8, 0x03,                   //   maximum base 0x3F8
      0x01,                         //   alignment 1
      0x08,                         //   8 ports
      0x22,                         // IRQ descriptor, no flags byte (type 4, 2 bytes follow)
      0x10, 0x00,                   //   mask: IRQ 4
      0x79, 0x00,                   // End tag, checksum 0 ("not computed")
      //   Device (RTC_) {
      0x5b, 0x82,                   // ExtOpPrefix, DeviceOp
      0x25,                         // PkgLength 37: itself + 4 (name) + 10 + 22
      0x52, 0x54, 0x43, 0x5f,       // NameSeg "RTC_"
      //     Name (_HID, EisaId ("PNP0B00"))
      0x08, 0x5f, 0x48, 0x49, 0x44, // NameOp, "_HID"
      0x0c, 0x41, 0xd0, 0x0b, 0x00, // DWordPrefix 0x000BD041
      //     Name (_CRS, ResourceTemplate () { ... })
      0x08, 0x5f, 0x43, 0x52, 0x53, // NameOp, "_CRS"
      0x11,                         // BufferOp
      0x10,                         // PkgLength 16
      0x0a, 0x0d,                   // BufferSize: BytePrefix 13
      0x47, 0x01,                   // I/O port descriptor, Decode16
      0x70, 0x00,                   //   minimum base 0x70
      0x70, 0x00,                   //   maximum base 0x70
      0x01,                         //   alignment 1
      0x02,                         //   2 ports
      0x22,                         // IRQ descriptor, no flags byte
      0x00, 0x01,                   //   mask: IRQ 8
      0x79, 0x00,                   // End tag
    ];
    expect(list(aml)).toEqual(expected);
    expect(dsdt.length).toBe(SDT_HEADER_SIZE + expected.length);
  });
});
