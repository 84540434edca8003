/**
 * x86_64 guest physical memory layout. Every fixed address the VMM relies on lives here,
 * with a line saying why it is where it is. RAM starts at 0; RAM above {@link MMIO_GAP_START}
 * is placed at {@link HIGH_RAM_START} instead, leaving the 32-bit MMIO gap for devices.
 */

/** First byte of guest RAM. */
export const RAM_START = 0x0n;

/** The flat GDT the boot vCPU uses (null, null, code, data: the 64-bit boot protocol's selectors). */
export const GDT_START = 0x500n;
/** The boot GDT's descriptors, in order. Entry 2 is 64-bit code, entry 3 is data. */
export const BOOT_GDT: readonly bigint[] = [
  0x0000_0000_0000_0000n, // null
  0x0000_0000_0000_0000n, // unused (Linux's boot protocol leaves 0x08 free)
  0x00af_9b00_0000_ffffn, // 0x10: code, 64-bit (L=1), present, DPL 0, base 0, limit 4 GiB
  0x00cf_9300_0000_ffffn, // 0x18: data, read/write, present, DPL 0, base 0, limit 4 GiB
];
/** Selector of the 64-bit code segment (`__BOOT_CS`). */
export const BOOT_CODE_SELECTOR = 0x10;
/** Selector of the data segments (`__BOOT_DS`). */
export const BOOT_DATA_SELECTOR = 0x18;

/** The zero page (`struct boot_params`) handed to Linux in rsi. One 4 KiB page. */
export const ZERO_PAGE_START = 0x7000n;
/** Initial stack pointer for the boot vCPU; grows down below the page tables. */
export const BOOT_STACK_POINTER = 0x8ff0n;
/** Level-4 page table (cr3) of the boot identity map. */
export const PML4_START = 0x9000n;
/** The one page-directory-pointer table, covering 512 GiB. */
export const PDPTE_START = 0xa000n;
/** First of {@link PDE_TABLES} page directories of 2 MiB pages, one page each. */
export const PDE_START = 0xb000n;
/** Number of page directories: the boot identity map covers this many GiB. */
export const PDE_TABLES = 4;

/** Kernel command line, NUL-terminated. */
export const CMDLINE_START = 0x2_0000n;
/** Room reserved for the command line (the kernel's own limit, `cmdline_size`, is smaller). */
export const CMDLINE_MAX_SIZE = 0x1_0000;

/**
 * First byte of the ACPI tables area: the PC BIOS read-only area below 1 MiB, which the e820
 * map reports reserved and Linux's legacy RSDP scan (0xE0000..0xFFFFF) covers. The RSDP is
 * written here.
 */
export const ACPI_TABLES_START = 0xe_0000n;
/** End (exclusive) of the ACPI tables area: 1 MiB, where RAM for the kernel starts. */
export const ACPI_TABLES_END = 0x10_0000n;
/**
 * I/O port of the hardware-reduced FADT's SLEEP_CONTROL_REG (8 bits): the guest writes SLP_TYP
 * (bits 4:2) and SLP_EN (bit 5) here; S5 with SLP_EN powers the VM off.
 */
export const ACPI_SLEEP_CONTROL_PORT = 0x600;
/** I/O port of the FADT's SLEEP_STATUS_REG (8 bits, WAK_STS in bit 7): the next port up. */
export const ACPI_SLEEP_STATUS_PORT = 0x601;
/** SLP_TYP of S5 (soft off), as the DSDT's `\_S5_` object gives it and the device checks it. */
export const ACPI_S5_SLEEP_TYPE = 5;

/** Start of the extended BIOS data area; the e820 map keeps [EBDA, 1 MiB) reserved. */
export const EBDA_START = 0x9_fc00n;
/** Top of conventional memory below the legacy video/ROM hole. */
export const LOW_RAM_END = 0xa_0000n;
/** Where the protected-mode kernel is loaded (the boot protocol's default `code32_start`). */
export const KERNEL_START = 0x10_0000n;

/** Start of the 32-bit MMIO gap: no RAM between here and 4 GiB. */
export const MMIO_GAP_START = 0xc000_0000n;
/** End (exclusive) of the 32-bit MMIO gap. */
export const MMIO_GAP_END = 0x1_0000_0000n;
/** Size of the 32-bit MMIO gap (1 GiB). */
export const MMIO_GAP_SIZE = MMIO_GAP_END - MMIO_GAP_START;
/** Window inside the gap where the VMM places MMIO devices (virtio-mmio and the like). */
export const DEVICE_MMIO_START = 0xd000_0000n;
/** Size of each MMIO device slot in {@link DEVICE_MMIO_START}'s window. */
export const DEVICE_MMIO_SLOT_SIZE = 0x1000n;
/** The IOAPIC's registers (fixed by the platform). */
export const IOAPIC_START = 0xfec0_0000n;
/** The local APICs' registers (fixed by the platform). */
export const APIC_START = 0xfee0_0000n;
/** KVM's identity-map page for real-mode emulation on Intel (KVM_SET_IDENTITY_MAP_ADDR): one page. */
export const KVM_IDENTITY_MAP_START = 0xfffb_c000n;
/** KVM's task-state segment for real-mode emulation on Intel (KVM_SET_TSS_ADDR): three pages. */
export const KVM_TSS_START = 0xfffb_d000n;
/** Where RAM that does not fit below the MMIO gap continues. */
export const HIGH_RAM_START = 0x1_0000_0000n;

/** Serial port COM1: I/O ports and ISA interrupt. */
export const COM1_PORT = 0x3f8;
/** ISA interrupt line (GSI) of COM1. */
export const COM1_IRQ = 4;
/** i8042 keyboard controller data port. */
export const I8042_DATA_PORT = 0x60;
/** i8042 keyboard controller command/status port. */
export const I8042_COMMAND_PORT = 0x64;
/** CMOS/RTC index port (0x70) and data port (0x71). */
export const CMOS_PORT = 0x70;
/** ISA interrupt line (GSI) of the CMOS RTC. */
export const CMOS_RTC_IRQ = 8;

/** One run of guest RAM: where it starts and how many bytes it holds. */
export interface RamRange {
  /** Guest physical address of the first byte. */
  readonly guestAddress: bigint;
  /** Size in bytes. */
  readonly size: number;
}

/**
 * Where `ramSize` bytes of guest RAM live: from 0 up to the MMIO gap, and whatever does not
 * fit there from {@link HIGH_RAM_START} on. The machine maps these; the e820 map reports them.
 */
export function ramRanges(ramSize: number): RamRange[] {
  const below = Math.min(ramSize, Number(MMIO_GAP_START));
  const ranges: RamRange[] = [{ guestAddress: RAM_START, size: below }];
  if (ramSize > below) ranges.push({ guestAddress: HIGH_RAM_START, size: ramSize - below });
  return ranges;
}
