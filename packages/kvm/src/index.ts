export { kvmBackend } from './kvm-backend.js';
export { KvmVirt } from './kvm-virt.js';
export { KvmVcpu } from './kvm-vcpu.js';
export { KvmDevice, type KvmDeviceAttribute } from './kvm-device.js';
export type { KvmArchitecture } from './kvm-architecture.js';
export { KvmSystem, KVM_API_VERSION, KVM_DEVICE_PATH } from './kvm-system.js';
export { KvmInterruptController } from './kvm-interrupt-controller.js';
export { parseKvmHandle, type KvmHandle } from './kvm-handle.js';
export { KICK_SIGNAL, type KvmKickHandle } from './vcpu-kick.js';
export { KvmError } from './kvm-error.js';
export { KvmUnavailableError } from './kvm-unavailable-error.js';
export { Errno, errnoName } from './errno.js';
export { KvmCap } from './bindings/kvm-capabilities.js';
export { KvmRegs, type KvmRegName } from './bindings/x86_64/kvm-regs.js';
export {
  KvmSregs,
  type KvmSegment,
  type KvmDtable,
  type KvmSegmentName,
  type KvmDtableName,
  type KvmControlRegName,
} from './bindings/x86_64/kvm-sregs.js';
export { KvmFpu } from './bindings/x86_64/kvm-fpu.js';
export { KvmCpuid2, type KvmCpuidEntry } from './bindings/x86_64/kvm-cpuid2.js';
export {
  HIDEABLE_CPU_FEATURES,
  UnknownCpuFeatureError,
  hideCpuFeatures,
  isHideableCpuFeature,
  type HideableCpuFeature,
} from './arch/x86_64/cpu-features.js';
export { KvmLapicState } from './bindings/x86_64/kvm-lapic-state.js';
export type { MsrEntry } from './bindings/x86_64/kvm-msrs.js';
export { KvmVcpuInit, KvmArmVcpuFeature } from './bindings/aarch64/kvm-vcpu-init.js';
export {
  Arm64Register,
  coreRegisterId,
  systemRegisterId,
  xRegisterId,
} from './bindings/aarch64/register-ids.js';
export { VGIC_NR_IRQS, VGIC_SPI_COUNT } from './arch/aarch64/vgic-v3.js';
