export { Machine, defaultCmdline } from './machine.js';
export {
  DEFAULT_KERNEL_DECOMPRESSION,
  DEFAULT_MEMORY,
  KERNEL_DECOMPRESSIONS,
  MAX_VCPUS,
  isKernelDecompression,
  type KernelDecompression,
  type MachineConfig,
  type CustomMmioDeviceConfig,
} from './machine-config.js';
export { describeOutcome, type VmOutcome } from './vm-outcome.js';
export { parseMemorySize } from './memory-size.js';
export {
  checkGuestRamFitsHost,
  hostMemoryCapacity,
  type HostMemoryCapacity,
} from './host-memory-capacity.js';
export { MachineConfigError, VcpuWorkerError } from './errors.js';
export { SharedByteRing } from './shared-byte-ring.js';
export { runVcpu, type VcpuLoopContext } from './vcpu-loop.js';
export type { ModuleExport } from './module-export.js';
export { provideModule, type ModuleLoader } from './provided-modules.js';
export { VcpuThreadWarmup } from './vcpu-thread-warmup.js';
