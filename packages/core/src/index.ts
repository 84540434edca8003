export { hostArch, type Arch } from './arch.js';
export { VmmError, GuestMemoryError, BusConflictError, MemorySlotLimitError } from './errors.js';
export { hex } from './hex.js';
export { INLINE_READ_VALUE_MASK } from './inline-port-read.js';
export {
  GuestAddressSpaceError,
  checkGuestAddressSpan,
  guestAddressBitsFor,
} from './guest-address-space.js';
export { GuestMemory, type GuestMemoryRegion } from './guest-memory.js';
export type { BusDevice, PioDevice, MmioDevice } from './device.js';
export { RangeMap, type Range } from './range-map.js';
export { PioBus } from './pio-bus.js';
export { MmioBus } from './mmio-bus.js';
export { interruptLine, type InterruptLine, type InterruptController } from './interrupts.js';
export type {
  VmExit,
  IoExit,
  MmioExit,
  HltExit,
  ShutdownExit,
  SystemEventExit,
  InternalErrorExit,
  FailEntryExit,
  InterruptedExit,
  UnknownExit,
} from './vm-exit.js';
export type {
  BootState,
  X86LongModeBootState,
  X86RealModeBootState,
  Aarch64BootState,
} from './boot-state.js';
export type {
  Virt,
  Vcpu,
  VirtBackend,
  VirtHandle,
  VirtOptions,
  HostMemory,
  MemorySlot,
} from './virt.js';
/** x86_64 guest physical memory layout constants. */
export * as x86_64Layout from './arch/x86_64/layout.js';
/** aarch64 guest physical memory layout constants. */
export * as aarch64Layout from './arch/aarch64/layout.js';
