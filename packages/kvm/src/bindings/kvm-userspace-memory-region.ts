/** Byte offsets in `struct kvm_userspace_memory_region` (KVM_SET_USER_MEMORY_REGION). */
export const KVM_USERSPACE_MEMORY_REGION_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 32,
  /** `__u32 slot`. */
  slot: 0,
  /** `__u32 flags`: `KVM_MEM_LOG_DIRTY_PAGES`, `KVM_MEM_READONLY`. */
  flags: 4,
  /** `__u64 guest_phys_addr`. */
  guestPhysAddr: 8,
  /** `__u64 memory_size`: bytes; 0 deletes the slot. */
  memorySize: 16,
  /** `__u64 userspace_addr`: host virtual address of the first byte. */
  userspaceAddr: 24,
} as const;

/** The fields of a `struct kvm_userspace_memory_region`. */
export interface KvmUserspaceMemoryRegion {
  /** Slot number. */
  readonly slot: number;
  /** `KVM_MEM_*` flags (0 for plain RAM). */
  readonly flags: number;
  /** Guest physical address of the first byte. */
  readonly guestPhysAddr: bigint;
  /** Size in bytes. */
  readonly memorySize: number;
  /** Host virtual address of the first byte. */
  readonly userspaceAddr: bigint;
}

/** Encodes `region` as the bytes KVM_SET_USER_MEMORY_REGION reads. */
export function encodeUserspaceMemoryRegion(region: KvmUserspaceMemoryRegion): Uint8Array {
  const layout = KVM_USERSPACE_MEMORY_REGION_LAYOUT;
  const bytes = new Uint8Array(layout.size);
  const view = new DataView(bytes.buffer);
  view.setUint32(layout.slot, region.slot, true);
  view.setUint32(layout.flags, region.flags, true);
  view.setBigUint64(layout.guestPhysAddr, region.guestPhysAddr, true);
  view.setBigUint64(layout.memorySize, BigInt(region.memorySize), true);
  view.setBigUint64(layout.userspaceAddr, region.userspaceAddr, true);
  return bytes;
}
