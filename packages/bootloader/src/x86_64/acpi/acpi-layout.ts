/**
 * Where vmm's x86_64 ACPI tables go inside the area `x86_64Layout.ACPI_TABLES_START`..
 * `ACPI_TABLES_END` (core), which the e820 map already reports reserved ([EBDA, 1 MiB)) and
 * which Linux's legacy RSDP scan (0xE0000..0xFFFFF, 16-byte steps) covers even without
 * `boot_params.acpi_rsdp_addr`. The power registers' ports are in core's layout too.
 */

import { x86_64Layout } from '@vmm/core';

/** Where the RSDP goes: the start of the area, a 16-byte boundary as the legacy scan needs. */
export const ACPI_RSDP_START = x86_64Layout.ACPI_TABLES_START;
/** Tables after the RSDP start on multiples of this many bytes. */
export const ACPI_TABLE_ALIGNMENT = 16n;

/**
 * Most vCPUs the MADT describes: one xAPIC entry each with processor UID = APIC id = vCPU
 * index, and APIC id 0xFF is the broadcast address (and UID 0xFF means "all processors").
 */
export const ACPI_MAX_VCPUS = 255;
