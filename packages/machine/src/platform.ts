import type { MmioBus, PioBus } from '@vmm/core';

/** The buses of the guest platform as one vCPU thread sees them. */
export interface Platform {
  /** Port I/O devices (x86 only; empty elsewhere). */
  readonly pio: PioBus;
  /** Memory-mapped devices. */
  readonly mmio: MmioBus;
}
