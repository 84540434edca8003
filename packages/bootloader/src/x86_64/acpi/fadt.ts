import { buildFadt, FadtFlag, IapcBootArch } from '../../acpi/fadt.js';
import { systemIoByteRegister } from '../../acpi/generic-address.js';
import { x86_64Layout } from '@vmm/core';

/** CMOS RAM index of the RTC's century byte (the PC convention vmm's CMOS RTC follows). */
const CMOS_CENTURY_INDEX = 0x32;
/** The FADT's Hypervisor Vendor Identity. */
const HYPERVISOR_VENDOR_ID = 'VMMTS   ';

/**
 * Builds the x86_64 FADT of a hardware-reduced ACPI platform (like Firecracker's and Cloud
 * Hypervisor's): no PM timer, SCI or PM1 blocks; power-off is SLP_TYP 5 | SLP_EN written to
 * SLEEP_CONTROL_REG, an 8-bit register at I/O port 0x600 (SLEEP_STATUS_REG at 0x601).
 *
 * Flags: HW_REDUCED_ACPI, no fixed power or sleep button, working WBINVD, C1 on every CPU.
 * IA-PC boot architecture: ISA-style legacy devices (COM1, CMOS RTC) are present, VGA is not,
 * and the OS must not touch PCIe ASPM; MSI stays allowed and the CMOS RTC is present, its
 * century at CMOS 0x32. No 8042 is declared: the platform's i8042 is only a reset line (port
 * 0x64 command 0xFE, which Linux's `reboot=k` writes whatever the FADT says), with no keyboard
 * behind it, so Linux's i8042 driver is told not to probe for one.
 */
export function buildX86Fadt(dsdt: bigint): Uint8Array {
  return buildFadt({
    dsdt,
    flags:
      FadtFlag.wbinvd |
      FadtFlag.procC1 |
      FadtFlag.pwrButton |
      FadtFlag.slpButton |
      FadtFlag.hwReducedAcpi,
    iapcBootArch:
      IapcBootArch.legacyDevices | IapcBootArch.vgaNotPresent | IapcBootArch.pcieAspmControls,
    century: CMOS_CENTURY_INDEX,
    sleepControl: systemIoByteRegister(x86_64Layout.ACPI_SLEEP_CONTROL_PORT),
    sleepStatus: systemIoByteRegister(x86_64Layout.ACPI_SLEEP_STATUS_PORT),
    hypervisorVendorId: HYPERVISOR_VENDOR_ID,
  });
}
