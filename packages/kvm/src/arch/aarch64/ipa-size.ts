import { checkGuestAddressSpan, guestAddressBitsFor } from '@vmm/core';
import { KvmCap } from '../../bindings/kvm-capabilities.js';
import type { KvmSystem } from '../../kvm-system.js';

/** The IPA size of an arm64 VM created with machine type 0 (Documentation/virt/kvm/api.rst). */
export const DEFAULT_IPA_BITS = 40;
/** KVM_CREATE_VM's type carries the IPA size in its low byte (KVM_VM_TYPE_ARM_IPA_SIZE). */
const IPA_SIZE_MASK = 0xff;

/**
 * The KVM_CREATE_VM type for an arm64 VM whose memory map ends at `span`: 0 (the default 40-bit
 * IPA) when that reaches far enough, else the IPA size `span` needs, which this KVM must offer
 * (KVM_CAP_ARM_VM_IPA_SIZE). Throws `GuestAddressSpaceError` when it does not.
 */
export function aarch64VmType(
  system: Pick<KvmSystem, 'checkExtension'>,
  span: bigint | undefined,
): number {
  if (span === undefined) return 0;
  const bits = guestAddressBitsFor(span);
  if (bits <= DEFAULT_IPA_BITS) return 0;
  const max = system.checkExtension(KvmCap.ARM_VM_IPA_SIZE) || DEFAULT_IPA_BITS;
  checkGuestAddressSpan(span, max, "this host's KVM");
  return bits & IPA_SIZE_MASK;
}
