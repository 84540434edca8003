import { type GuestMemory, hex, x86_64Layout } from '@vmm/core';
import { AcpiTableError } from '../../acpi/errors.js';
import { buildRsdp, RSDP_SIZE } from '../../acpi/rsdp.js';
import { buildXsdt } from '../../acpi/xsdt.js';
import { ACPI_MAX_VCPUS, ACPI_RSDP_START, ACPI_TABLE_ALIGNMENT } from './acpi-layout.js';

const { ACPI_TABLES_START, ACPI_TABLES_END } = x86_64Layout;
import { buildX86Dsdt } from './dsdt.js';
import { buildX86Fadt } from './fadt.js';
import { buildX86Madt } from './madt.js';

/** What the x86_64 ACPI tables describe. */
export interface AcpiTablesOptions {
  /** Number of vCPUs (1 to {@link ACPI_MAX_VCPUS}); vCPU n has APIC id n. */
  readonly vcpus: number;
}

/** Guest physical addresses of the ACPI structures {@link writeAcpiTables} wrote. */
export interface AcpiTables {
  /** The RSDP: what `boot_params.acpi_rsdp_addr` points at. */
  readonly rsdp: bigint;
  /** The XSDT, listing the FADT and the MADT. */
  readonly xsdt: bigint;
  /** The FADT ("FACP"), pointing at the DSDT. */
  readonly fadt: bigint;
  /** The DSDT. */
  readonly dsdt: bigint;
  /** The MADT ("APIC"). */
  readonly madt: bigint;
}

/** Rounds `address` up to the next multiple of {@link ACPI_TABLE_ALIGNMENT}. */
function alignUp(address: bigint): bigint {
  return ((address + ACPI_TABLE_ALIGNMENT - 1n) / ACPI_TABLE_ALIGNMENT) * ACPI_TABLE_ALIGNMENT;
}

/**
 * Writes the ACPI tables of vmm's hardware-reduced x86_64 platform into the reserved area
 * [0xE0000, 1 MiB) of guest RAM (the configuring half, like the zero page): the area is
 * zeroed, the RSDP goes at 0xE0000 and the DSDT, FADT, MADT and XSDT follow it on 16-byte
 * boundaries. Returns where each structure went; hand `rsdp` to the kernel.
 *
 * Throws {@link AcpiTableError} when `vcpus` is not a whole number from 1 to 255 or when
 * guest RAM does not cover the area.
 */
export function writeAcpiTables(memory: GuestMemory, options: AcpiTablesOptions): AcpiTables {
  const { vcpus } = options;
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > ACPI_MAX_VCPUS) {
    throw new AcpiTableError(
      `the ACPI MADT describes 1 to ${ACPI_MAX_VCPUS} vCPUs (xAPIC ids 0..254), not ${vcpus}; ` +
        'give the VM fewer vCPUs',
    );
  }
  const areaSize = Number(ACPI_TABLES_END - ACPI_TABLES_START);
  if (!memory.contains(ACPI_TABLES_START, areaSize)) {
    throw new AcpiTableError(
      `the ACPI tables go in [${hex(ACPI_TABLES_START)}, ${hex(ACPI_TABLES_END)}), which guest ` +
        'RAM does not cover; give the VM at least 1 MiB of memory starting at address 0',
    );
  }
  memory.slice(ACPI_TABLES_START, areaSize).fill(0);
  let next = alignUp(ACPI_RSDP_START + BigInt(RSDP_SIZE));
  const place = (table: Uint8Array): bigint => {
    const address = next;
    memory.write(address, table);
    next = alignUp(address + BigInt(table.length));
    return address;
  };
  const dsdt = place(buildX86Dsdt());
  const fadt = place(buildX86Fadt(dsdt));
  const madt = place(buildX86Madt(vcpus));
  const xsdt = place(buildXsdt([fadt, madt]));
  memory.write(ACPI_RSDP_START, buildRsdp(xsdt));
  return { rsdp: ACPI_RSDP_START, xsdt, fadt, dsdt, madt };
}
