import { checkGuestAddressSpan, guestAddressBitsFor } from '@vmm/core';
import { HvReturn } from './bindings/hv-constants.js';
import type { HvApi } from './hv-api.js';
import { HvError } from './hv-error.js';

/** Who gives the guest its IPA space, for `GuestAddressSpaceError`'s message. */
const HYPERVISOR = 'Hypervisor.framework on this Mac';

/**
 * Sizes the IPA space of the VM `config` will make so that it reaches `span` (the end of its
 * memory map; nothing to do when undefined or when the framework's default reaches): sets the
 * bits `span` needs (`hv_vm_config_set_ipa_size`). Throws `GuestAddressSpaceError` when
 * that is more than the framework's maximum, and {@link HvError} when a call fails.
 */
export function configureIpaSize(hv: HvApi, config: bigint, span: bigint | undefined): void {
  if (span === undefined) return;
  const bits = guestAddressBitsFor(span);
  const byDefault = hv.vmConfigGetDefaultIpaSize();
  if (byDefault.status !== HvReturn.SUCCESS) {
    throw new HvError('hv_vm_config_get_default_ipa_size', byDefault.status);
  }
  if (bits <= byDefault.bits) return;
  const max = hv.vmConfigGetMaxIpaSize();
  if (max.status !== HvReturn.SUCCESS) {
    throw new HvError('hv_vm_config_get_max_ipa_size', max.status);
  }
  checkGuestAddressSpan(span, max.bits, HYPERVISOR);
  const status = hv.vmConfigSetIpaSize(config, bits);
  if (status !== HvReturn.SUCCESS) throw new HvError('hv_vm_config_set_ipa_size', status);
}
