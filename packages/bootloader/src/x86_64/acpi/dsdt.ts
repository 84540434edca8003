import { x86_64Layout } from '@vmm/core';
import { amlDevice, amlEisaId, amlInteger, amlName, amlPackage, amlScope } from '../../acpi/aml.js';
import { amlIoRange, amlIrqNoFlags, amlResourceTemplate } from '../../acpi/aml-resources.js';
import { concatBytes } from '../../acpi/bytes.js';
import { buildSdt } from '../../acpi/sdt-header.js';

/** DSDT revision 2: AML integers are 64 bits wide. */
export const DSDT_REVISION = 2;
/** Number of I/O ports a 16550 UART decodes. */
const UART_PORT_COUNT = 8;
/** Number of I/O ports the CMOS RTC decodes (index and data). */
const CMOS_PORT_COUNT = 2;

/**
 * Builds the x86_64 Differentiated System Description Table. Its AML, in ASL:
 *
 * ```
 * Name (_S5, Package () { 5, 0 })          // S5 soft-off: SLP_TYPa 5, SLP_TYPb 0
 * Scope (\_SB) {
 *   Device (COM1) {
 *     Name (_HID, EisaId ("PNP0501"))      // 16550A-compatible UART
 *     Name (_UID, 0)
 *     Name (_CRS, ResourceTemplate () {
 *       IO (Decode16, 0x3F8, 0x3F8, 0x01, 0x08)
 *       IRQNoFlags () { 4 }
 *     })
 *   }
 *   Device (RTC_) {
 *     Name (_HID, EisaId ("PNP0B00"))      // AT-compatible CMOS real-time clock
 *     Name (_CRS, ResourceTemplate () {
 *       IO (Decode16, 0x70, 0x70, 0x01, 0x02)
 *       IRQNoFlags () { 8 }
 *     })
 *   }
 * }
 * ```
 *
 * `\_S5` is what lets Linux power off: it reads SLP_TYP from it and writes it with SLP_EN to
 * SLEEP_CONTROL_REG. COM1 is described because on a hardware-reduced platform Linux runs
 * without the legacy PIC and without fixed ISA interrupt numbers: the serial driver learns the
 * UART's interrupt (GSI 4) from this `_CRS` (through PNP ACPI), not from the legacy port table.
 * The RTC is described for the same reason: without it Linux falls back to a platform RTC device
 * whose fixed IRQ 8 does not exist there, its probe fails, and the guest boots with its clock at
 * 1970; with it, `rtc_cmos` binds through PNP and sets the system clock from the CMOS time.
 */
export function buildX86Dsdt(): Uint8Array {
  const aml = concatBytes([
    amlName('_S5_', amlPackage([amlInteger(x86_64Layout.ACPI_S5_SLEEP_TYPE), amlInteger(0)])),
    amlScope('\\_SB_', [
      amlDevice('COM1', [
        amlName('_HID', amlEisaId('PNP0501')),
        amlName('_UID', amlInteger(0)),
        amlName(
          '_CRS',
          amlResourceTemplate([
            amlIoRange(x86_64Layout.COM1_PORT, UART_PORT_COUNT),
            amlIrqNoFlags([x86_64Layout.COM1_IRQ]),
          ]),
        ),
      ]),
      amlDevice('RTC_', [
        amlName('_HID', amlEisaId('PNP0B00')),
        amlName(
          '_CRS',
          amlResourceTemplate([
            amlIoRange(x86_64Layout.CMOS_PORT, CMOS_PORT_COUNT),
            amlIrqNoFlags([x86_64Layout.CMOS_RTC_IRQ]),
          ]),
        ),
      ]),
    ]),
  ]);
  return buildSdt('DSDT', DSDT_REVISION, aml);
}
