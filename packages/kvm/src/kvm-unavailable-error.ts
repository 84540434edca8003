import { VmmError } from '@vmm/core';

const DEFAULT_HINT = 'is the kvm module loaded and do you have access?';

/**
 * This host cannot run the KVM backend: `/dev/kvm` is missing or cannot be opened, its API
 * version is not the one vmm speaks, or the host is not one the backend supports.
 */
export class KvmUnavailableError extends VmmError {
  /**
   * Creates the error for `path` with the `reason` it is unusable and a `hint` on what to do
   * about it (by default: check the kvm module and the device's permissions).
   */
  constructor(
    /** The KVM device path that was tried. */
    readonly path: string,
    /** Why the backend cannot run, in words. */
    readonly reason: string,
    hint: string = DEFAULT_HINT,
  ) {
    super(`KVM needs ${path}: ${reason} (${hint})`);
  }
}
