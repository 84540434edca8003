import { VmmError } from '@vmm/core';

/** The machine configuration cannot be built as given (bad size, missing file, bad count). */
export class MachineConfigError extends VmmError {}

/** A vCPU worker thread failed (an exception in the VMM, not a guest event). */
export class VcpuWorkerError extends VmmError {}
