/** Byte offsets in `struct kvm_one_reg` (KVM_GET_ONE_REG / KVM_SET_ONE_REG). */
export const KVM_ONE_REG_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 16,
  /** `__u64 id`: which register, with its architecture and size encoded (`KVM_REG_*`). */
  id: 0,
  /** `__u64 addr`: host address of the value the kernel reads or writes. */
  addr: 8,
} as const;

/** Encodes a `struct kvm_one_reg` naming register `id` whose value lives at host `address`. */
export function encodeKvmOneReg(id: bigint, address: bigint): Uint8Array {
  const bytes = new Uint8Array(KVM_ONE_REG_LAYOUT.size);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(KVM_ONE_REG_LAYOUT.id, id, true);
  view.setBigUint64(KVM_ONE_REG_LAYOUT.addr, address, true);
  return bytes;
}
