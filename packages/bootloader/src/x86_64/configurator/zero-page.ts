import type { GuestMemory } from '@vmm/core';
import { BootLoaderError } from '../../errors.js';
import {
  ACPI_RSDP_ADDR,
  CAN_USE_HEAP,
  CMD_LINE_PTR,
  E820_ENTRIES,
  E820_ENTRY_SIZE,
  E820_MAX_ENTRIES,
  E820_TABLE,
  EXT_CMD_LINE_PTR,
  EXT_RAMDISK_IMAGE,
  EXT_RAMDISK_SIZE,
  HEAP_END,
  HEAP_END_PTR,
  KASLR_FLAG,
  LOADFLAGS,
  RAMDISK_IMAGE,
  RAMDISK_SIZE,
  SETUP_HEADER_START,
  TYPE_OF_LOADER,
  UNDEFINED_LOADER,
  VID_MODE,
  VID_MODE_NORMAL,
  ZERO_PAGE_SIZE,
} from '../boot-params.js';
import type { SetupHeader } from '../loader/setup-header.js';
import type { E820Entry } from './e820.js';

/** What goes into the zero page besides the kernel's own setup header. */
export interface ZeroPageParams {
  /** The kernel's setup header; its bytes are copied in before the loader's fields are set. */
  readonly header: SetupHeader;
  /** Guest physical address of the NUL-terminated command line. */
  readonly commandLine: bigint;
  /** Where the initrd was placed, if there is one. */
  readonly initrd?: { readonly address: bigint; readonly size: number } | undefined;
  /** The memory map (at most 128 entries). */
  readonly e820: readonly E820Entry[];
  /** Guest physical address of the ACPI RSDP, if the guest has ACPI tables. */
  readonly acpiRsdp?: bigint | undefined;
  /** Whether the loader randomised the kernel's address (sets KASLR_FLAG in `loadflags`). */
  readonly kaslr?: boolean | undefined;
}

/**
 * Writes Linux's `struct boot_params` (the zero page) at `address` (the configuring half):
 * zeroes the page, copies the kernel's setup header, then sets type_of_loader (0xFF),
 * CAN_USE_HEAP with heap_end_ptr (and KASLR_FLAG for a randomised kernel), cmd_line_ptr, the
 * ramdisk fields (high halves in the `ext_*` fields), vid_mode (normal), acpi_rsdp_addr (when
 * given) and the e820 table.
 */
export function writeZeroPage(memory: GuestMemory, address: bigint, params: ZeroPageParams): void {
  if (params.e820.length > E820_MAX_ENTRIES) {
    throw new BootLoaderError(
      `the memory map has ${params.e820.length} entries but the zero page holds at most ` +
        `${E820_MAX_ENTRIES}; merge adjacent ranges`,
    );
  }
  const page = memory.slice(address, ZERO_PAGE_SIZE);
  page.fill(0);
  page.set(params.header.bytes, SETUP_HEADER_START);
  const view = new DataView(page.buffer, page.byteOffset, ZERO_PAGE_SIZE);
  view.setUint8(TYPE_OF_LOADER, UNDEFINED_LOADER);
  const kaslr = params.kaslr === true ? KASLR_FLAG : 0;
  view.setUint8(LOADFLAGS, view.getUint8(LOADFLAGS) | CAN_USE_HEAP | kaslr);
  view.setUint16(HEAP_END_PTR, HEAP_END, true);
  view.setUint16(VID_MODE, VID_MODE_NORMAL, true);
  setSplitU64(view, CMD_LINE_PTR, EXT_CMD_LINE_PTR, params.commandLine);
  if (params.initrd !== undefined) {
    setSplitU64(view, RAMDISK_IMAGE, EXT_RAMDISK_IMAGE, params.initrd.address);
    setSplitU64(view, RAMDISK_SIZE, EXT_RAMDISK_SIZE, BigInt(params.initrd.size));
  }
  if (params.acpiRsdp !== undefined) view.setBigUint64(ACPI_RSDP_ADDR, params.acpiRsdp, true);
  view.setUint8(E820_ENTRIES, params.e820.length);
  params.e820.forEach((entry, index) => {
    const offset = E820_TABLE + index * E820_ENTRY_SIZE;
    view.setBigUint64(offset, entry.address, true);
    view.setBigUint64(offset + 8, BigInt(entry.size), true);
    view.setUint32(offset + 16, entry.type, true);
  });
}

/** Stores the low 32 bits of `value` at `lowOffset` and the high 32 bits at `highOffset`. */
function setSplitU64(view: DataView, lowOffset: number, highOffset: number, value: bigint): void {
  view.setUint32(lowOffset, Number(value & 0xffff_ffffn), true);
  view.setUint32(highOffset, Number(value >> 32n), true);
}
