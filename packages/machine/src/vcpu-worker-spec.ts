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
  /** The other devices' shared registers (see `ArchProfile.createBoardState`). */
  readonly boardState: SharedArrayBuffer;
  /** The console output ring (a `SharedByteRing` buffer). */
  readonly consoleRing: SharedArrayBuffer;
}

/**
 * What a vCPU worker gets when it is spawned (its `workerData`), before the VM exists: the
 * backend module (the one the main thread creates the VM with), which it imports at once.
 */
export interface VcpuWorkerBoot {
  /** The backend module. */
  readonly backend: ModuleExport;
}

/**
 * Everything else a vCPU worker needs but the boot state, in structured-cloneable form, sent
 * once the VM exists (before the guest is loaded).
 */
export interface VcpuWorkerSpec {
  /** The created VM, for `VirtBackend.attach`. */
  readonly virt: VirtHandle;
  /** Which vCPU this worker creates and runs. */
  readonly vcpuId: number;
  /** How many vCPUs the VM has (port writes are buffered only with one). */
  readonly vcpuCount: number;
  /** Shared device state. */
  readonly platform: PlatformSpec;
  /** The user's own MMIO devices, built in every worker. */
  readonly mmioDevices: readonly CustomMmioDeviceConfig[];
  /** Control words shared with the main thread (see `VcpuControl`). */
  readonly control: SharedArrayBuffer;
}

/**
 * What the main thread posts to a vCPU worker, in this order: `attach` (create the vCPU and its
 * devices), then either `run` (start it: the boot vCPU from `boot`, the others waiting for the
 * guest) or `cancel` (the guest could not be loaded: close what you made and end).
 */
export type VcpuWorkerCommand =
  | { readonly type: 'attach'; readonly spec: VcpuWorkerSpec }
  | { readonly type: 'run'; readonly boot: BootState | undefined }
  | { readonly type: 'cancel' };

/** Messages a vCPU worker posts to the main thread. */
export type VcpuWorkerMessage =
  /**
   * The vCPU exists; `kick` makes its `run()` return (see `Virt.kick`); `buffersWrites` says
   * whether the hypervisor may buffer its port writes (then the main thread flushes them).
   */
  | {
      readonly type: 'started';
      readonly vcpuId: number;
      readonly kick: VirtHandle;
      readonly buffersWrites: boolean;
    }
  /** The vCPU stopped, and why. */
  | { readonly type: 'exited'; readonly vcpuId: number; readonly outcome: VmOutcome };
