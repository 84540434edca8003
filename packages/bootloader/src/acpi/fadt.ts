import { asciiField } from './bytes.js';
import { type GenericAddress, writeGenericAddress } from './generic-address.js';
import { buildSdt, SDT_HEADER_SIZE } from './sdt-header.js';

/** Length of an ACPI 6.x FADT (through the Hypervisor Vendor Identity). */
export const FADT_LENGTH = 276;
/** FADT major revision of ACPI 6.x (header Revision field). */
export const FADT_REVISION = 6;
/** FADT minor revision: ACPI 6.5. */
export const FADT_MINOR_REVISION = 5;

/** FADT fixed feature flags (offset 112) vmm uses (ACPI 6.5 Table 5.10). */
export const FadtFlag = {
  /** Bit 0, WBINVD: the processors' WBINVD instruction flushes caches correctly. */
  wbinvd: 1 << 0,
  /** Bit 2, PROC_C1: C1 (HLT) is supported on all processors. */
  procC1: 1 << 2,
  /** Bit 4, PWR_BUTTON: there is no fixed-feature power button. */
  pwrButton: 1 << 4,
  /** Bit 5, SLP_BUTTON: there is no fixed-feature sleep button. */
  slpButton: 1 << 5,
  /** Bit 20, HW_REDUCED_ACPI: no fixed ACPI hardware (PM1 blocks, PM timer, SCI, GPEs). */
  hwReducedAcpi: 1 << 20,
} as const;

/** IA-PC Boot Architecture Flags (offset 109, ACPI 6.5 Table 5.11). */
export const IapcBootArch = {
  /** Bit 0, LEGACY_DEVICES: user-visible ISA/LPC devices exist (COM ports, RTC). */
  legacyDevices: 1 << 0,
  /** Bit 1, 8042: a keyboard controller answers at ports 0x60/0x64. */
  i8042: 1 << 1,
  /** Bit 2, VGA Not Present: the OS must not probe VGA hardware. */
  vgaNotPresent: 1 << 2,
  /** Bit 3, MSI Not Supported: the OS must not enable MSI. */
  msiNotSupported: 1 << 3,
  /** Bit 4, PCIe ASPM Controls: the OS must not enable PCIe ASPM. */
  pcieAspmControls: 1 << 4,
  /** Bit 5, CMOS RTC Not Present: there is no CMOS RTC at ports 0x70/0x71. */
  cmosRtcNotPresent: 1 << 5,
} as const;

/** Offset of IAPC_BOOT_ARCH (u16). */
const IAPC_BOOT_ARCH = 109;
/** Offset of CENTURY: the CMOS RAM index of the century byte (u8). */
const CENTURY = 108;
/** Offset of Flags (u32). */
const FLAGS = 112;
/** Offset of FADT Minor Version (u8). */
const MINOR_VERSION = 131;
/** Offset of X_DSDT (u64). */
const X_DSDT = 140;
/** Offset of SLEEP_CONTROL_REG (Generic Address Structure). */
const SLEEP_CONTROL_REG = 244;
/** Offset of SLEEP_STATUS_REG (Generic Address Structure). */
const SLEEP_STATUS_REG = 256;
/** Offset of the Hypervisor Vendor Identity (8 bytes). */
const HYPERVISOR_VENDOR_IDENTITY = 268;

/** The FADT fields a platform chooses; every other field is zero. */
export interface FadtOptions {
  /** Guest physical address of the DSDT, stored in X_DSDT (the 32-bit DSDT field stays 0). */
  readonly dsdt: bigint;
  /** Fixed feature flags, from {@link FadtFlag}. */
  readonly flags: number;
  /** IA-PC boot architecture flags, from {@link IapcBootArch} (0 on non-PC platforms). */
  readonly iapcBootArch: number;
  /** CMOS RAM index of the RTC's century byte, or 0 when there is none. */
  readonly century: number;
  /** SLEEP_CONTROL_REG of a hardware-reduced platform (SLP_TYP and SLP_EN are written here). */
  readonly sleepControl: GenericAddress;
  /** SLEEP_STATUS_REG of a hardware-reduced platform (WAK_STS is read here). */
  readonly sleepStatus: GenericAddress;
  /** Hypervisor Vendor Identity: 8 ASCII characters naming the VMM. */
  readonly hypervisorVendorId: string;
}

/**
 * Builds a revision 6.5 Fixed ACPI Description Table ("FACP", 276 bytes). No FACS (both
 * FIRMWARE_CTRL fields 0, as a hardware-reduced platform may), no SMI command port, no PM1,
 * PM2, PM timer or GPE blocks, SCI_INT 0, preferred PM profile unspecified: only the fields in
 * `options` are set.
 */
export function buildFadt(options: FadtOptions): Uint8Array {
  const table = new Uint8Array(FADT_LENGTH);
  const view = new DataView(table.buffer);
  view.setUint8(CENTURY, options.century);
  view.setUint16(IAPC_BOOT_ARCH, options.iapcBootArch, true);
  view.setUint32(FLAGS, options.flags, true);
  view.setUint8(MINOR_VERSION, FADT_MINOR_REVISION);
  view.setBigUint64(X_DSDT, options.dsdt, true);
  writeGenericAddress(view, SLEEP_CONTROL_REG, options.sleepControl);
  writeGenericAddress(view, SLEEP_STATUS_REG, options.sleepStatus);
  table.set(
    asciiField(options.hypervisorVendorId, 8, 'hypervisor vendor identity'),
    HYPERVISOR_VENDOR_IDENTITY,
  );
  return buildSdt('FACP', FADT_REVISION, table.subarray(SDT_HEADER_SIZE));
}
