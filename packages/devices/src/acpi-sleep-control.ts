import { x86_64Layout } from '@vmm/core';
import { ByteRegisterDevice } from './byte-register-device.js';

/** Offset of the sleep control register (the FADT's SLEEP_CONTROL_REG, port 0x600). */
const SLEEP_CONTROL = 0;
/** SLEEP_CONTROL_REG bit 5: SLP_EN, enter the sleep state named by SLP_TYP. */
const SLP_EN = 0x20;
/** SLEEP_CONTROL_REG bits 4:2: SLP_TYP, the sleep type taken from the DSDT's `\_Sx_` object. */
const SLP_TYP_MASK = 0x1c;
/** Position of SLP_TYP in SLEEP_CONTROL_REG. */
const SLP_TYP_SHIFT = 2;

/** What an {@link AcpiSleepControl} is built from. */
export interface AcpiSleepControlOptions {
  /** Called when the guest enters S5 (ACPI power-off): the VM should stop as powered off. */
  readonly onPowerOff: () => void;
}

/**
 * The sleep registers of a hardware-reduced ACPI platform (ACPI 6.5 §4.8.3.7), which is how an
 * x86 Linux guest powers off: `poweroff` makes it write SLP_TYP (bits 4:2, read from the
 * DSDT's `\_S5_`) together with SLP_EN (bit 5) to the FADT's SLEEP_CONTROL_REG, 0x34 for
 * S5 in vmm's tables. That write calls `onPowerOff()`. Writes of other sleep types (S1-S4)
 * are ignored (vmm offers no suspend), as are writes without SLP_EN (wake preparation).
 *
 * Register it at `x86_64Layout.ACPI_SLEEP_CONTROL_PORT` (0x600) with {@link portCount} 2: offset 0 is
 * SLEEP_CONTROL_REG, offset 1 SLEEP_STATUS_REG (0x601). The status register reads 0 (WAK_STS,
 * bit 7, never set: the VM does not come back from S5) and ignores writes (the guest clears
 * WAK_STS by writing it before sleeping); the control register reads 0.
 */
export class AcpiSleepControl extends ByteRegisterDevice {
  /** Two ports: sleep control at offset 0, sleep status at offset 1. */
  readonly portCount = 2;
  readonly #onPowerOff: () => void;

  /** Creates the registers; `options.onPowerOff` runs on the thread that handles the write. */
  constructor(options: AcpiSleepControlOptions) {
    super();
    this.#onPowerOff = options.onPowerOff;
  }

  /** Both registers read 0: no wake status, and the control bits are write-only. */
  protected readRegister(_offset: number): number {
    return 0;
  }

  /** Powers off on SLP_EN with SLP_TYP 5; every other write is ignored. */
  protected writeRegister(offset: number, value: number): void {
    if (offset !== SLEEP_CONTROL || (value & SLP_EN) === 0) return;
    if ((value & SLP_TYP_MASK) >> SLP_TYP_SHIFT === x86_64Layout.ACPI_S5_SLEEP_TYPE)
      this.#onPowerOff();
  }
}
