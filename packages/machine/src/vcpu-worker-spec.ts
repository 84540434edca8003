import type { Arch, BootState, VirtHandle } from '@vmm/core';
import type { CustomMmioDeviceConfig } from './machine-config.js';
import type { ModuleExport } from './module-export.js';
import type { VmOutcome } from './vm-outcome.js';

/** The platform's shared state, as handed to every vCPU worker. */
export interface PlatformSpec {
  /** The guest architecture, which picks the devices. */
  readonly arch: Arch;
  /** The console UART's shared registers and receive FIFO. */
  readonly uartState: SharedArrayBuffer;
  /** The console output ring (a `SharedByteRing` buffer). */
  readonly consoleRing: SharedArrayBuffer;
}

/** Everything a vCPU worker needs, in structured-cloneable form. */
export interface VcpuWorkerSpec {
  /** The backend module (the same one the main thread created the VM with). */
  readonly backend: ModuleExport;
  /** The created VM, for `VirtBackend.attach`. */
  readonly virt: VirtHandle;
  /** Which vCPU this worker creates and runs. */
  readonly vcpuId: number;
  /** Initial state for the boot vCPU; absent for secondaries, which wait for the guest. */
  readonly boot: BootState | undefined;
  /** Shared device state. */
  readonly platform: PlatformSpec;
  /** The user's own MMIO devices, built in every worker. */
  readonly mmioDevices: readonly CustomMmioDeviceConfig[];
  /** Control words shared with the main thread (see `VcpuControl`). */
  readonly control: SharedArrayBuffer;
}

/** Messages a vCPU worker posts to the main thread. */
export type VcpuWorkerMessage =
  /** The vCPU exists; `kick` makes its `run()` return (see `Virt.kick`). */
  | { readonly type: 'started'; readonly vcpuId: number; readonly kick: VirtHandle }
  /** The vCPU stopped, and why. */
  | { readonly type: 'exited'; readonly vcpuId: number; readonly outcome: VmOutcome };
