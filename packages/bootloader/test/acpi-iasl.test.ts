import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AcpiTables, writeAcpiTables } from '../src/index.js';
import { readTable } from './fixtures/acpi.js';
import { lowGuestRam, MiB } from './fixtures/guest-ram.js';

/** Whether `tool` can be started (ACPICA's tools print their banner for `-v`). */
function installed(tool: string): boolean {
  return spawnSync(tool, ['-v'], { encoding: 'utf8' }).error === undefined;
}

const hasIasl = installed('iasl');
const hasAcpiexec = installed('acpiexec');
if (!hasIasl) {
  console.warn(
    'skipping the iasl tests: iasl is not installed (Debian/Ubuntu: apt-get install acpica-tools)',
  );
}
if (!hasAcpiexec) {
  console.warn(
    'skipping the acpiexec test: acpiexec is not installed (Debian/Ubuntu: apt-get install ' +
      'acpica-tools)',
  );
}

/** Runs an ACPICA tool in `cwd`; returns its exit status and everything it printed. */
function run(cwd: string, tool: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Messages ACPICA prints for a table it finds fault with (checksums, lengths, bad fields). */
const COMPLAINT = /error|warning|invalid|incorrect|unknown|terminates in the middle/i;

/**
 * Writes the tables of a 4-vCPU VM into `dir`, each in its own file as `acpidump`/`acpixtract`
 * would (the RSDP is not among them: this iasl reads only tables with an SDT header; the
 * RSDP's checksums are checked in acpi-tables.test.ts). Returns where the tables were.
 */
function writeTableFiles(dir: string): AcpiTables {
  const memory = lowGuestRam(2 * MiB);
  const tables = writeAcpiTables(memory, { vcpus: 4 });
  const files = { xsdt: tables.xsdt, facp: tables.fadt, dsdt: tables.dsdt, apic: tables.madt };
  for (const [name, address] of Object.entries(files)) {
    writeFileSync(join(dir, `${name}.dat`), readTable(memory, address).bytes);
  }
  return tables;
}

/** An address as iasl prints a 64-bit field: 16 upper-case hex digits. */
function iaslHex(address: bigint): string {
  return address.toString(16).toUpperCase().padStart(16, '0');
}

describe.skipIf(!hasIasl)('the x86_64 ACPI tables under iasl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmm-acpi-'));
  const tables = writeTableFiles(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Disassembles `<name>.dat` and returns the text of `<name>.dsl`. */
  function disassemble(name: string): string {
    const { status, output } = run(dir, 'iasl', ['-d', `${name}.dat`]);
    expect(status, output).toBe(0);
    expect(output).not.toMatch(COMPLAINT);
    return readFileSync(join(dir, `${name}.dsl`), 'utf8');
  }

  it('disassembles the XSDT, listing the FADT first', () => {
    const dsl = disassemble('xsdt');
    expect(dsl).toContain('Signature : "XSDT"');
    expect(dsl).toMatch(new RegExp(`ACPI Table Address\\s+0 : ${iaslHex(tables.fadt)}`));
    expect(dsl).toMatch(/ACPI Table Address\s+1 : /);
  });

  it('disassembles the FADT as a hardware-reduced table with I/O sleep registers', () => {
    const dsl = disassemble('facp');
    expect(dsl).toMatch(/Hardware Reduced \(V5\) : 1/);
    expect(dsl).toMatch(/FADT Minor Revision : 05/);
    expect(dsl).toMatch(/VGA Not Present \(V4\) : 1/);
    expect(dsl).toMatch(/MSI Not Supported \(V4\) : 0/);
    expect(dsl).toMatch(/CMOS RTC Not Present \(V5\) : 0/);
    expect(dsl).toMatch(new RegExp(`DSDT Address : ${iaslHex(tables.dsdt)}`));
    expect(dsl).toMatch(
      /Sleep Control Register : \[Generic Address Structure\][\s\S]*?Space ID : 01 \[SystemIO\][\s\S]*?Address : 0000000000000600/,
    );
    expect(dsl).toMatch(
      /Sleep Status Register : \[Generic Address Structure\][\s\S]*?Space ID : 01 \[SystemIO\][\s\S]*?Address : 0000000000000601/,
    );
  });

  it('disassembles the MADT with four processors, the IOAPIC and the NMI', () => {
    const dsl = disassemble('apic');
    expect(dsl.match(/Subtable Type : 00 \[Processor Local APIC\]/g)).toHaveLength(4);
    expect(dsl).toMatch(/PC-AT Compatibility : 1/);
    expect(dsl).toMatch(/Subtable Type : 01 \[I\/O APIC\][\s\S]*?Address : FEC00000/);
    expect(dsl).toMatch(/Subtable Type : 04 \[Local APIC NMI\][\s\S]*?Interrupt Input LINT : 01/);
  });

  it('disassembles the DSDT back to the ASL it encodes', () => {
    const dsl = disassemble('dsdt');
    expect(dsl).toMatch(/Name \(_S5, Package \(0x02\)[\s\S]*?0x05,\s*Zero/);
    expect(dsl).toMatch(/Scope \(\\_SB\)/);
    expect(dsl).toContain('Device (COM1)');
    expect(dsl).toContain('EisaId ("PNP0501")');
    expect(dsl).toMatch(/IO \(Decode16,\s*0x03F8,[^)]*0x08,/);
    expect(dsl).toMatch(/IRQNoFlags \(\)\s*\{4\}/);
    expect(dsl).toContain('Device (RTC)');
    expect(dsl).toContain('EisaId ("PNP0B00")');
    expect(dsl).toMatch(/IO \(Decode16,\s*0x0070,[^)]*0x02,/);
    expect(dsl).toMatch(/IRQNoFlags \(\)\s*\{8\}/);
  });

  it('recompiles each disassembly to the same table body', () => {
    for (const name of ['xsdt', 'facp', 'apic', 'dsdt']) {
      disassemble(name);
      // -on keeps name paths as written (no `\_SB` -> `_SB` shortening), as vmm encodes them.
      const { status, output } = run(dir, 'iasl', ['-on', '-p', `rt-${name}`, `${name}.dsl`]);
      expect(status, output).toBe(0);
      expect(output).toMatch(/Compilation successful\. 0 Errors, 0 Warnings/);
      const original = readFileSync(join(dir, `${name}.dat`)).subarray(36);
      const recompiled = readFileSync(join(dir, `rt-${name}.aml`)).subarray(36);
      expect(Buffer.compare(original, recompiled), name).toBe(0);
    }
  });

  it.skipIf(!hasAcpiexec)('evaluates \\_S5_ and the COM1 objects in acpiexec', () => {
    const { output } = run(dir, 'acpiexec', [
      '-b',
      'evaluate \\_S5_; evaluate \\_SB.COM1._HID; evaluate \\_SB.COM1._CRS',
      'dsdt.dat',
      'facp.dat',
      'apic.dat',
    ]);
    expect(output).not.toMatch(/AE_[A-Z_]+ /);
    expect(output).toMatch(
      /\[Package\] Contains 2 Elements:\s*\[Integer\] = 0000000000000005\s*\[Integer\] = 0000000000000000/,
    );
    expect(output).toMatch(/\[Integer\] = 000000000105D041/);
    expect(output).toMatch(/\[Buffer\] Length 0D =\s*0000: 47 01 F8 03 F8 03 01 08 22 10 00 79 00/);
  });
});
