import { VmmError } from '@vmm/core';
import { hvReturnName } from './bindings/hv-constants.js';

/**
 * A Hypervisor.framework call failed. The message names the call, the `hv_return_t` by name
 * and value, and what was being attempted.
 */
export class HvError extends VmmError {
  /** The `hv_return_t`, as an unsigned 32-bit number. */
  readonly status: number;
  /** Its `HV_*` name (e.g. `HV_BAD_ARGUMENT`). */
  readonly statusName: string;

  /** Creates the error for `call` returning `status`; `context` says what was being done. */
  constructor(
    /** The failed function, e.g. `hv_vm_map`. */
    readonly call: string,
    status: number,
    context?: string,
  ) {
    const unsigned = status >>> 0;
    const name = hvReturnName(unsigned);
    const what = context === undefined ? '' : ` (${context})`;
    super(`${call} failed${what}: ${name} (0x${unsigned.toString(16)})`);
    this.status = unsigned;
    this.statusName = name;
  }
}
