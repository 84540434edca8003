/** Capabilities (`KVM_CAP_*`) for KVM_CHECK_EXTENSION, from `include/uapi/linux/kvm.h`. */
export const KvmCap = {
  /** The in-kernel irqchip (KVM_CREATE_IRQCHIP, KVM_IRQ_LINE). */
  IRQCHIP: 0,
  /** KVM_SET_USER_MEMORY_REGION. */
  USER_MEMORY: 3,
  /** KVM_SET_TSS_ADDR (x86). */
  SET_TSS_ADDR: 4,
  /** KVM_GET_SUPPORTED_CPUID and KVM_SET_CPUID2 (x86). */
  EXT_CPUID: 7,
  /** Recommended maximum number of vCPUs per VM. */
  NR_VCPUS: 9,
  /** KVM_CREATE_PIT2 (x86). */
  PIT2: 33,
  /** KVM_SET_IDENTITY_MAP_ADDR (x86). */
  SET_IDENTITY_MAP_ADDR: 37,
  /** Maximum number of vCPUs per VM. */
  MAX_VCPUS: 66,
} as const;
