/**
 * Byte offsets in `struct kvm_run`, the area each vCPU fd maps (`include/uapi/linux/kvm.h`).
 * The exit-specific fields live in a union at offset 32.
 */
export const KVM_RUN_LAYOUT = {
  /** `__u8 immediate_exit`: non-zero makes the next KVM_RUN return EINTR at once. */
  immediateExit: 1,
  /** `__u32 exit_reason`: one of `KVM_EXIT_*`. */
  exitReason: 8,
  /** `io` member (KVM_EXIT_IO). */
  io: {
    /** `__u8 direction`: KVM_EXIT_IO_IN (0) or KVM_EXIT_IO_OUT (1). */
    direction: 32,
    /** `__u8 size`: bytes per access (1, 2 or 4). */
    size: 33,
    /** `__u16 port`. */
    port: 34,
    /** `__u32 count`: accesses (more than 1 for `rep ins`/`rep outs`). */
    count: 36,
    /** `__u64 data_offset`: where the data is, relative to the start of `kvm_run`. */
    dataOffset: 40,
  },
  /** `mmio` member (KVM_EXIT_MMIO). */
  mmio: {
    /** `__u64 phys_addr`. */
    physAddr: 32,
    /** `__u8 data[8]`. */
    data: 40,
    /** `__u32 len`: bytes accessed (1 to 8). */
    len: 48,
    /** `__u8 is_write`. */
    isWrite: 52,
  },
  /** `internal` member (KVM_EXIT_INTERNAL_ERROR). */
  internal: {
    /** `__u32 suberror`: one of `KVM_INTERNAL_ERROR_*`. */
    suberror: 32,
    /** `__u32 ndata`: valid words in `data`. */
    ndata: 36,
    /** `__u64 data[16]`. */
    data: 40,
    /** Number of words `data` holds. */
    dataWords: 16,
  },
  /**
   * `emulation_failure` member: the `internal` member's layout for KVM_INTERNAL_ERROR_EMULATION
   * when its flags say instruction bytes follow.
   */
  emulationFailure: {
    /** `__u64 flags`: `KVM_INTERNAL_ERROR_EMULATION_FLAG_*`. */
    flags: 40,
    /** `__u8 insn_size`: how many of `insn_bytes` are the instruction. */
    insnSize: 48,
    /** `__u8 insn_bytes[15]`. */
    insnBytes: 49,
    /** Length of `insn_bytes`. */
    insnBytesMax: 15,
  },
  /** `fail_entry` member (KVM_EXIT_FAIL_ENTRY). */
  failEntry: {
    /** `__u64 hardware_entry_failure_reason`. */
    hardwareEntryFailureReason: 32,
    /** `__u32 cpu`: the host CPU the entry failed on. */
    cpu: 40,
  },
  /** `system_event` member (KVM_EXIT_SYSTEM_EVENT). */
  systemEvent: {
    /** `__u32 type`: one of `KVM_SYSTEM_EVENT_*`. */
    type: 32,
    /** `__u32 ndata`: valid words in `data` (older kernels: padding). */
    ndata: 36,
    /** `__u64 data[16]` (older kernels: `__u64 flags`). */
    data: 40,
  },
} as const;
