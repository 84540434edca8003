/** Byte offsets in x86 `struct kvm_msrs`, the header before its entries (KVM_SET_MSRS). */
export const KVM_MSRS_LAYOUT = {
  /** Size of the header in bytes (the size the ioctl numbers encode). */
  size: 8,
  /** `__u32 nmsrs`: number of entries. */
  nmsrs: 0,
  /** `struct kvm_msr_entry entries[]`. */
  entries: 8,
} as const;

/** Byte offsets in x86 `struct kvm_msr_entry`. */
export const KVM_MSR_ENTRY_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 16,
  /** `__u32 index`: the MSR number. */
  index: 0,
  /** `__u64 data`. */
  data: 8,
} as const;

/** One model-specific register and its value. */
export interface MsrEntry {
  /** The MSR number (e.g. 0xc0000080 for EFER). */
  readonly index: number;
  /** Its value. */
  readonly data: bigint;
}

/** Encodes `entries` as the `struct kvm_msrs` KVM_SET_MSRS reads. */
export function encodeKvmMsrs(entries: readonly MsrEntry[]): Uint8Array {
  const bytes = new Uint8Array(
    KVM_MSRS_LAYOUT.entries + entries.length * KVM_MSR_ENTRY_LAYOUT.size,
  );
  const view = new DataView(bytes.buffer);
  view.setUint32(KVM_MSRS_LAYOUT.nmsrs, entries.length, true);
  entries.forEach((entry, i) => {
    const at = KVM_MSRS_LAYOUT.entries + i * KVM_MSR_ENTRY_LAYOUT.size;
    view.setUint32(at + KVM_MSR_ENTRY_LAYOUT.index, entry.index, true);
    view.setBigUint64(at + KVM_MSR_ENTRY_LAYOUT.data, entry.data, true);
  });
  return bytes;
}
