import type { BootState, GuestMemory } from '@vmm/core';

/** The VM a boot loader writes into. */
export interface LoadTarget {
  /** Guest RAM, already mapped as the arch layout's `ramRanges(ramSize)` describes it. */
  readonly memory: GuestMemory;
  /** Bytes of guest RAM the VM has (what the memory map reported to the guest covers). */
  readonly ramSize: number;
  /** Number of vCPUs the VM will run. */
  readonly vcpus: number;
}

/**
 * Puts a guest's boot payload (kernel, initrd, command line, boot structures) in guest RAM
 * and says how the boot vCPU must start: the returned state's `entry` is the start PC.
 */
export interface BootLoader {
  /** Writes everything the guest needs into `target.memory` and returns the boot vCPU's state. */
  load(target: LoadTarget): BootState;
}
