/** Layout of `struct kvm_signal_mask` (KVM_SET_SIGNAL_MASK): a length, then a kernel sigset. */
export const KVM_SIGNAL_MASK_LAYOUT = {
  /** Size of the header in bytes (the size the ioctl number encodes). */
  size: 4,
  /** `__u32 len`: bytes of `sigset`; must equal the kernel's `sizeof(sigset_t)`. */
  len: 0,
  /** `__u8 sigset[]`. */
  sigset: 4,
  /** The kernel's `sizeof(sigset_t)` on x86_64 and arm64: 64 signals. */
  kernelSigsetSize: 8,
} as const;
