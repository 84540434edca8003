/** Capabilities (`KVM_CAP_*`) for KVM_CHECK_EXTENSION, from `include/uapi/linux/kvm.h`. */
export const KvmCap = {
  /** The in-kernel irqchip (x86: KVM_CREATE_IRQCHIP; arm64: a vGIC can be created; KVM_IRQ_LINE). */
  IRQCHIP: 0,
  /** KVM_SET_USER_MEMORY_REGION. */
  USER_MEMORY: 3,
  /** KVM_SET_TSS_ADDR (x86). */
  SET_TSS_ADDR: 4,
  /** KVM_GET_SUPPORTED_CPUID and KVM_SET_CPUID2 (x86). */
  EXT_CPUID: 7,
  /** Recommended maximum number of vCPUs per VM. */
  NR_VCPUS: 9,
  /** The number of memory slots a VM may have (KVM_SET_USER_MEMORY_REGION's `slot` is below it). */
  NR_MEMSLOTS: 10,
  /**
   * KVM_REGISTER_COALESCED_MMIO; the value is the page, in each vCPU's mapping, that holds the
   * coalesced-writes ring.
   */
  COALESCED_MMIO: 15,
  /** KVM_CREATE_PIT2 (x86). */
  PIT2: 33,
  /** KVM_SET_IDENTITY_MAP_ADDR (x86). */
  SET_IDENTITY_MAP_ADDR: 37,
  /** Maximum number of vCPUs per VM. */
  MAX_VCPUS: 66,
  /** KVM_GET_ONE_REG and KVM_SET_ONE_REG (arm64 reaches every register this way). */
  ONE_REG: 70,
  /** The in-kernel local APIC emulates the TSC-deadline timer mode (x86). */
  TSC_DEADLINE_TIMER: 72,
  /** KVM_CREATE_DEVICE and the device attribute ioctls (arm64: the vGIC). */
  DEVICE_CTRL: 89,
  /** The in-kernel PSCI 0.2 vCPU feature (arm64: KVM_ARM_VCPU_PSCI_0_2). */
  ARM_PSCI_0_2: 102,
  /**
   * The largest IPA size, in bits, an arm64 VM may ask for in KVM_CREATE_VM's type; 0 when only
   * the default 40 bits can be had.
   */
  ARM_VM_IPA_SIZE: 165,
  /** KVM_REGISTER_COALESCED_MMIO takes port I/O zones (`pio = 1`, x86). */
  COALESCED_PIO: 162,
} as const;
