import { VmmError, type InterruptController } from '@vmm/core';
import { GIC_SPI_BASE } from './bindings/hv-constants.js';
import type { HvApi } from './hv-api.js';
import { HvError } from './hv-error.js';
import type { SharedVmState } from './shared-vm-state.js';

/**
 * SPI inputs vmm wires to devices: indexes 0..223, INTIDs 32..255. INTIDs from 256 up belong
 * to the MSI range the GIC is configured with.
 */
export const WIRED_SPI_COUNT = 224;

/**
 * The guest's GICv3 as devices drive it: `line` is an SPI index and becomes INTID 32 + line
 * through `hv_gic_set_spi`, callable from any thread. Every vCPU sleeping in WFI is then woken
 * so it re-enters the guest, where the framework's GIC delivers the interrupt.
 */
export class HvpInterruptController implements InterruptController {
  readonly #api: HvApi;
  readonly #state: SharedVmState;

  /** Drives the GIC of the VM whose shared state is `state`, through `api`. */
  constructor(api: HvApi, state: SharedVmState) {
    this.#api = api;
    this.#state = state;
  }

  /** `hv_gic_set_spi(32 + line, asserted)`, then wakes idle vCPUs. */
  setLevel(line: number, asserted: boolean): void {
    if (!this.#state.gicCreated) {
      throw new VmmError(
        `cannot raise interrupt line ${line}: the VM has no GIC yet (call createIrqChip() first)`,
      );
    }
    if (!Number.isInteger(line) || line < 0 || line >= WIRED_SPI_COUNT) {
      throw new VmmError(
        `interrupt line ${line} is outside the wired SPIs 0..${WIRED_SPI_COUNT - 1}`,
      );
    }
    const intid = GIC_SPI_BASE + line;
    const status = this.#api.gicSetSpi(intid, asserted);
    if (status !== 0) throw new HvError('hv_gic_set_spi', status, `INTID ${intid}`);
    this.#state.wakeAll();
  }
}
