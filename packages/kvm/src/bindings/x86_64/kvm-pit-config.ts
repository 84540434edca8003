/** Layout of x86 `struct kvm_pit_config` (KVM_CREATE_PIT2). */
export const KVM_PIT_CONFIG_LAYOUT = {
  /** Size of the struct in bytes (`__u32 flags; __u32 pad[15]`). */
  size: 64,
  /** `__u32 flags`. */
  flags: 0,
} as const;

/** PIT flag: emulate a dummy PC speaker port (0x61) in the kernel. */
export const KVM_PIT_SPEAKER_DUMMY = 1;

/** Encodes a `struct kvm_pit_config` with `flags`. */
export function encodeKvmPitConfig(flags: number): Uint8Array {
  const bytes = new Uint8Array(KVM_PIT_CONFIG_LAYOUT.size);
  new DataView(bytes.buffer).setUint32(KVM_PIT_CONFIG_LAYOUT.flags, flags, true);
  return bytes;
}
