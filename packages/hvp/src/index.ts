export { hvpBackend } from './hvp-backend.js';
export { HvpVirt, GIC_MSI_INTID_BASE, GIC_MSI_INTID_COUNT, type HvpGicLayout } from './hvp-virt.js';
export { HvpVcpu, IDLE_POLL_MS } from './hvp-vcpu.js';
export { HvpInterruptController, WIRED_SPI_COUNT } from './hvp-interrupt-controller.js';
export {
  parseHvpHandle,
  parseHvpKickHandle,
  type HvpHandle,
  type HvpKickHandle,
} from './hvp-handle.js';
export { SharedVmState, PowerState } from './shared-vm-state.js';
export { handlePsci, type PsciCall, type PsciOutcome } from './psci-handler.js';
export { HvpInternalError } from './hvp-internal-error.js';
export { HvError } from './hv-error.js';
export { HvpUnavailableError } from './hvp-unavailable-error.js';
export {
  HYPERVISOR_ENTITLEMENT,
  HVP_ENTITLEMENTS_PLIST,
  HVP_SIGNING_STEPS,
} from './entitlements.js';
export type {
  HvApi,
  HvValueResult,
  HvSizeResult,
  HvVcpuCreateResult,
  HvSpiRangeResult,
  MachTimebase,
} from './hv-api.js';
export { loadHvApi } from './koffi-hv-api.js';
export {
  FakeHvApi,
  FakeVcpu,
  FAKE_GIC_PARAMETERS,
  type FakeVcpuStep,
  type FakeHvApiOptions,
  type FakeGicParameters,
  type FakeGicConfig,
} from './fake-hv-api.js';
export {
  HYPERVISOR_FRAMEWORK_PATH,
  HV_PAGE_SIZE,
  HvReturn,
  hvReturnName,
  HvExitReason,
  hvExitReasonName,
  HvMemory,
  HvInterruptType,
  HvGicIntid,
  HvGicRedistributorReg,
  GIC_SPI_BASE,
} from './bindings/hv-constants.js';
export { HvReg, HvSysReg, hvRegX, hvSysRegEncoding } from './bindings/hv-reg.js';
export { HV_VCPU_EXIT_LAYOUT, HvVcpuExitView } from './bindings/hv-vcpu-exit.js';
export { DarwinMman } from './bindings/darwin-mman.js';
export {
  ExceptionClass,
  exceptionClass,
  instructionIs32Bit,
  instructionSyndrome,
  describeExceptionClass,
  isWaitForEvent,
} from './aarch64/exception-syndrome.js';
export {
  decodeDataAbort,
  loadedRegisterValue,
  storeRegisterBytes,
  type DataAbort,
} from './aarch64/data-abort.js';
export { decodeSysRegAccess, type SysRegAccess } from './aarch64/sysreg-trap.js';
export {
  PsciFunction,
  PsciReturn,
  PsciAffinityState,
  PSCI_VERSION_1_0,
  PSCI_TOS_NOT_PRESENT_MP,
  IMPLEMENTED_PSCI_FUNCTIONS,
} from './aarch64/psci.js';
export { mpidrOfVcpu, vcpuOfMpidr } from './aarch64/mpidr.js';
export { BOOT_CPSR, CPSR_MODE_EL1H, SCTLR_MMU_AND_CACHES } from './aarch64/boot-registers.js';
export {
  CntvCtl,
  timerInterruptAsserted,
  millisecondsUntilTimer,
} from './aarch64/virtual-timer.js';
