/** Byte offsets in `struct kvm_create_device` (KVM_CREATE_DEVICE). */
export const KVM_CREATE_DEVICE_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 12,
  /** `__u32 type`: one of `enum kvm_device_type` (e.g. 7, KVM_DEV_TYPE_ARM_VGIC_V3). */
  type: 0,
  /** `__u32 fd`: filled in by the kernel with the new device's file descriptor. */
  fd: 4,
  /** `__u32 flags`: KVM_CREATE_DEVICE_TEST (1) only asks whether the type exists. */
  flags: 8,
} as const;

/** Encodes a `struct kvm_create_device` asking for a device of `type`. */
export function encodeKvmCreateDevice(type: number): Uint8Array {
  const bytes = new Uint8Array(KVM_CREATE_DEVICE_LAYOUT.size);
  new DataView(bytes.buffer).setUint32(KVM_CREATE_DEVICE_LAYOUT.type, type, true);
  return bytes;
}

/** The device file descriptor KVM_CREATE_DEVICE wrote into `bytes`. */
export function createdDeviceFd(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(KVM_CREATE_DEVICE_LAYOUT.fd, true);
}
