/**
 * `struct kvm_coalesced_mmio_zone` (KVM_REGISTER_COALESCED_MMIO) and the ring KVM appends the
 * coalesced writes to (`struct kvm_coalesced_mmio_ring`, one page of each vCPU's mapping), from
 * `include/uapi/linux/kvm.h`.
 */
export const KVM_COALESCED_MMIO_ZONE_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 16,
  /** `__u64 addr`: first guest physical address, or port when `pio` is 1. */
  addr: 0,
  /** `__u32 size`: bytes (or ports) the zone spans. */
  zoneSize: 8,
  /** `__u32 pio`: 1 for a port I/O zone. */
  pio: 12,
} as const;

/** Byte offsets in the coalesced-writes ring page. */
export const KVM_COALESCED_MMIO_RING_LAYOUT = {
  /** `__u32 first`: the oldest entry userspace has not consumed. */
  first: 0,
  /** `__u32 last`: where KVM writes the next entry. */
  last: 4,
  /** The entries (`struct kvm_coalesced_mmio`) start here. */
  entries: 8,
  /** Size of one entry. */
  entrySize: 24,
  /** Entry field `__u64 phys_addr`: the address, or port. */
  entryAddress: 0,
  /** Entry field `__u32 len`: bytes written (1 to 8). */
  entryLength: 8,
  /** Entry field `__u32 pio`: 1 for a port write. */
  entryPio: 12,
  /** Entry field `__u8 data[8]`. */
  entryData: 16,
} as const;

/** Entries in a ring of one `pageSize` page (KVM_COALESCED_MMIO_MAX: 170 for 4 KiB). */
export function coalescedRingCapacity(pageSize: number): number {
  const { entries, entrySize } = KVM_COALESCED_MMIO_RING_LAYOUT;
  return Math.floor((pageSize - entries) / entrySize);
}

/** A `struct kvm_coalesced_mmio_zone` for ports `[port, port + size)`. */
export function encodePioZone(port: number, size: number): Uint8Array {
  const bytes = new Uint8Array(KVM_COALESCED_MMIO_ZONE_LAYOUT.size);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(KVM_COALESCED_MMIO_ZONE_LAYOUT.addr, BigInt(port), true);
  view.setUint32(KVM_COALESCED_MMIO_ZONE_LAYOUT.zoneSize, size, true);
  view.setUint32(KVM_COALESCED_MMIO_ZONE_LAYOUT.pio, 1, true);
  return bytes;
}
