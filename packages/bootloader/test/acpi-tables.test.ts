import { describe, expect, it } from 'vitest';
import { x86_64Layout } from '@vmm/core';
import {
  AcpiTableError,
  acpiChecksum,
  buildSdt,
  buildX86Madt,
  byteSum,
  writeAcpiTables,
} from '../src/index.js';
import { ascii, madtStructures, readTable, sum8 } from './fixtures/acpi.js';
import { lowGuestRam, MiB } from './fixtures/guest-ram.js';

/** Guest RAM with the tables of a `vcpus`-vCPU VM written into it. */
function tablesFor(vcpus: number) {
  const memory = lowGuestRam(2 * MiB, 0x5a);
  const tables = writeAcpiTables(memory, { vcpus });
  return { memory, tables };
}

describe('checksum helpers', () => {
  it('sum bytes modulo 256 and pick the byte that zeroes the sum', () => {
    const bytes = Uint8Array.of(0xff, 0x02, 0x10, 0);
    expect(byteSum(bytes)).toBe(0x11);
    bytes[3] = acpiChecksum(bytes);
    expect(bytes[3]).toBe(0xef);
    expect(byteSum(bytes)).toBe(0);
  });

  it('build an SDT header with identity, length and a zero byte sum', () => {
    const table = buildSdt('TEST', 3, Uint8Array.of(1, 2, 3));
    expect(table.length).toBe(39);
    expect(ascii(table, 0, 4)).toBe('TEST');
    const view = new DataView(table.buffer);
    expect(view.getUint32(4, true)).toBe(39);
    expect(table[8]).toBe(3);
    expect(ascii(table, 10, 6)).toBe('VMMTS ');
    expect(ascii(table, 16, 8)).toBe('VMM     ');
    expect(view.getUint32(24, true)).toBe(1);
    expect(ascii(table, 28, 4)).toBe('VMMT');
    expect(view.getUint32(32, true)).toBe(1);
    expect([...table.subarray(36)]).toEqual([1, 2, 3]);
    expect(sum8(table)).toBe(0);
    expect(() => buildSdt('TOOLONG', 1, new Uint8Array())).toThrow(AcpiTableError);
  });
});

describe('writeAcpiTables', () => {
  it('puts an ACPI 2.0 RSDP at 0xE0000 with both checksums valid', () => {
    const { memory, tables } = tablesFor(1);
    expect(tables.rsdp).toBe(0xe_0000n);
    const rsdp = memory.read(tables.rsdp, 36);
    expect(ascii(rsdp, 0, 8)).toBe('RSD PTR ');
    expect(sum8(rsdp.subarray(0, 20))).toBe(0);
    expect(sum8(rsdp)).toBe(0);
    expect(ascii(rsdp, 9, 6)).toBe('VMMTS ');
    expect(rsdp[15]).toBe(2);
    const view = new DataView(rsdp.buffer);
    expect(view.getUint32(16, true)).toBe(0);
    expect(view.getUint32(20, true)).toBe(36);
    expect(view.getBigUint64(24, true)).toBe(tables.xsdt);
    expect([...rsdp.subarray(33)]).toEqual([0, 0, 0]);
  });

  it('lists the FADT and MADT in the XSDT, and every table sums to zero', () => {
    const { memory, tables } = tablesFor(2);
    const xsdt = readTable(memory, tables.xsdt);
    expect(xsdt.signature).toBe('XSDT');
    expect(xsdt.bytes[8]).toBe(1);
    expect(xsdt.bytes.length).toBe(36 + 2 * 8);
    const entries = [0, 1].map((i) => xsdt.view.getBigUint64(36 + i * 8, true));
    expect(entries).toEqual([tables.fadt, tables.madt]);
    expect(entries.map((address) => readTable(memory, address).signature)).toEqual([
      'FACP',
      'APIC',
    ]);
    for (const address of [tables.xsdt, tables.fadt, tables.dsdt, tables.madt]) {
      const table = readTable(memory, address);
      expect(sum8(table.bytes), table.signature).toBe(0);
      expect(ascii(table.bytes, 10, 6)).toBe('VMMTS ');
      expect(address % 16n).toBe(0n);
      expect(address).toBeGreaterThan(tables.rsdp + 35n);
      expect(address + BigInt(table.bytes.length)).toBeLessThanOrEqual(0xf_ffffn);
    }
  });

  it('writes a hardware-reduced revision 6.5 FADT pointing at the DSDT', () => {
    const { memory, tables } = tablesFor(1);
    const { bytes, view } = readTable(memory, tables.fadt);
    expect(bytes.length).toBe(276);
    expect(bytes[8]).toBe(6);
    expect(bytes[131]).toBe(5);
    const flags = view.getUint32(112, true);
    expect(flags & (1 << 20)).not.toBe(0);
    expect(flags).toBe((1 << 20) | (1 << 5) | (1 << 4) | (1 << 2) | (1 << 0));
    const bootArch = view.getUint16(109, true);
    expect(bootArch & 0x04).toBe(0x04); // VGA not present
    expect(bootArch & 0x10).toBe(0x10); // no PCIe ASPM
    expect(bootArch & 0x08).toBe(0); // MSI allowed
    expect(bootArch & 0x20).toBe(0); // CMOS RTC present
    expect(bootArch & 0x02).toBe(0); // no 8042 keyboard controller to probe
    expect(bootArch).toBe(0x15);
    expect(bytes[108]).toBe(0x32);
    expect(view.getUint32(40, true)).toBe(0); // 32-bit DSDT unused
    expect(view.getBigUint64(140, true)).toBe(tables.dsdt);
    expect(view.getUint32(36, true)).toBe(0); // no FACS
    expect(view.getBigUint64(132, true)).toBe(0n);
    expect(view.getUint16(46, true)).toBe(0); // no SCI
    expect(view.getUint32(76, true)).toBe(0); // no PM timer
    // SLEEP_CONTROL_REG and SLEEP_STATUS_REG: system I/O, 8 bits at offset 0, byte access.
    expect([...bytes.subarray(244, 256)]).toEqual([1, 8, 0, 1, 0x00, 0x06, 0, 0, 0, 0, 0, 0]);
    expect([...bytes.subarray(256, 268)]).toEqual([1, 8, 0, 1, 0x01, 0x06, 0, 0, 0, 0, 0, 0]);
    expect(ascii(bytes, 268, 8)).toBe('VMMTS   ');
  });

  it('writes the DSDT with revision 2 where X_DSDT points', () => {
    const { memory, tables } = tablesFor(1);
    const dsdt = readTable(memory, tables.dsdt);
    expect(dsdt.signature).toBe('DSDT');
    expect(dsdt.bytes[8]).toBe(2);
    expect(ascii(dsdt.bytes, 37, 4)).toBe('_S5_');
  });

  it('describes one vCPU, the IOAPIC and LINT1 NMIs in the MADT', () => {
    const { memory, tables } = tablesFor(1);
    const madt = readTable(memory, tables.madt);
    expect(madt.signature).toBe('APIC');
    expect(madt.bytes[8]).toBe(6);
    expect(madt.view.getUint32(36, true)).toBe(0xfee0_0000);
    expect(madt.view.getUint32(40, true)).toBe(1); // PCAT_COMPAT
    expect(madtStructures(madt.bytes).map((s) => [...s.bytes])).toEqual([
      [0, 8, 0, 0, 1, 0, 0, 0], // Processor Local APIC: UID 0, APIC id 0, enabled
      [1, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0], // IOAPIC id 0 at 0xFEC00000, GSI 0
      [4, 6, 0xff, 0x05, 0x00, 1], // Local APIC NMI: all CPUs, high/edge, LINT1
    ]);
    expect(madt.bytes.length).toBe(44 + 8 + 12 + 6);
  });

  it('gives each of 4 vCPUs its own enabled local APIC, UID = APIC id = index', () => {
    const { memory, tables } = tablesFor(4);
    const structures = madtStructures(readTable(memory, tables.madt).bytes);
    const lapics = structures.filter((s) => s.type === 0).map((s) => [...s.bytes]);
    expect(lapics).toEqual([0, 1, 2, 3].map((i) => [0, 8, i, i, 1, 0, 0, 0]));
    expect(structures.map((s) => s.type)).toEqual([0, 0, 0, 0, 1, 4]);
    expect(structures.some((s) => s.type === 2)).toBe(false); // no interrupt source override
    const ioapic = structures.find((s) => s.type === 1)!;
    expect(ioapic.bytes[2]).toBe(0);
  });

  it('fits the tables for 255 vCPUs below 1 MiB', () => {
    const { memory, tables } = tablesFor(255);
    const xsdt = readTable(memory, tables.xsdt);
    expect(tables.xsdt + BigInt(xsdt.bytes.length)).toBeLessThan(x86_64Layout.ACPI_TABLES_END);
    const madt = readTable(memory, tables.madt);
    expect(sum8(madt.bytes)).toBe(0);
    expect(madtStructures(madt.bytes).filter((s) => s.type === 0)).toHaveLength(255);
    expect(buildX86Madt(255).length).toBe(44 + 255 * 8 + 12 + 6);
  });

  it('clears stale bytes in the area and leaves RAM outside it alone', () => {
    const { memory, tables } = tablesFor(1);
    const xsdtEnd = tables.xsdt + BigInt(readTable(memory, tables.xsdt).bytes.length);
    expect(memory.read(xsdtEnd, 0x100).every((byte) => byte === 0)).toBe(true);
    expect(memory.readUint(0xf_ffffn, 1)).toBe(0);
    expect(memory.readUint(0xd_ffffn, 1)).toBe(0x5a);
    expect(memory.readUint(0x10_0000n, 1)).toBe(0x5a);
  });

  it('rejects vCPU counts the MADT cannot describe', () => {
    const memory = lowGuestRam(2 * MiB);
    for (const vcpus of [0, 256, 1.5]) {
      expect(() => writeAcpiTables(memory, { vcpus }), String(vcpus)).toThrow(AcpiTableError);
    }
    expect(() => writeAcpiTables(memory, { vcpus: 256 })).toThrow(/1 to 255 vCPUs/);
  });

  it('rejects guest RAM that does not reach 1 MiB', () => {
    const load = () => writeAcpiTables(lowGuestRam(0xf_0000), { vcpus: 1 });
    expect(load).toThrow(AcpiTableError);
    expect(load).toThrow(/at least 1 MiB/);
  });
});
