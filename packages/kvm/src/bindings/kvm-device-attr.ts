/**
 * Byte offsets in `struct kvm_device_attr` (KVM_SET_DEVICE_ATTR, KVM_GET_DEVICE_ATTR,
 * KVM_HAS_DEVICE_ATTR).
 */
export const KVM_DEVICE_ATTR_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 24,
  /** `__u32 flags`: no flags are defined; always 0. */
  flags: 0,
  /** `__u32 group`: the device-specific attribute group. */
  group: 4,
  /** `__u64 attr`: the attribute within the group. */
  attr: 8,
  /** `__u64 addr`: host address of the attribute's value (0 for attributes without one). */
  addr: 16,
} as const;

/** The fields of a `struct kvm_device_attr`. */
export interface KvmDeviceAttr {
  /** The attribute group. */
  readonly group: number;
  /** The attribute within the group. */
  readonly attr: bigint;
  /** Host address of the value, or 0n when the attribute takes none. */
  readonly addr: bigint;
}

/** Encodes `attr` as the bytes the device attribute ioctls read. */
export function encodeKvmDeviceAttr(attr: KvmDeviceAttr): Uint8Array {
  const layout = KVM_DEVICE_ATTR_LAYOUT;
  const bytes = new Uint8Array(layout.size);
  const view = new DataView(bytes.buffer);
  view.setUint32(layout.group, attr.group, true);
  view.setBigUint64(layout.attr, attr.attr, true);
  view.setBigUint64(layout.addr, attr.addr, true);
  return bytes;
}
