import { VmmError } from '@vmm/core';
import { HYPERVISOR_ENTITLEMENT, HVP_SIGNING_STEPS } from './entitlements.js';

/**
 * This host cannot run the hvp backend: it is not macOS on Apple silicon, Hypervisor.framework
 * cannot be loaded, the process lacks the hypervisor entitlement, or macOS is too old for the
 * framework's GIC. The message says what to do.
 */
export class HvpUnavailableError extends VmmError {
  /** Creates the error; `message` is the whole, user-facing explanation. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** The host is not macOS on arm64. */
  static wrongPlatform(platform: string, arch: string): HvpUnavailableError {
    return new HvpUnavailableError(
      `hvp runs on macOS on Apple silicon (this is ${platform}/${arch}); ` +
        'on Linux use the kvm backend',
    );
  }

  /** Hypervisor.framework (or libSystem) could not be loaded. */
  static frameworkMissing(path: string, cause: unknown): HvpUnavailableError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new HvpUnavailableError(
      `hvp could not load ${path}: ${reason} (Hypervisor.framework ships with macOS 11 and later on Apple silicon)`,
      { cause },
    );
  }

  /** `hv_vm_create` answered HV_DENIED: the running binary lacks the entitlement. */
  static entitlementMissing(executable: string): HvpUnavailableError {
    return new HvpUnavailableError(
      `Hypervisor.framework refused to create a VM (HV_DENIED): the program running vmm ` +
        `(${executable}) is not signed with the ${HYPERVISOR_ENTITLEMENT} entitlement.\n` +
        HVP_SIGNING_STEPS,
    );
  }

  /** The framework has no `hv_gic_*` functions (macOS before 15). */
  static gicMissing(): HvpUnavailableError {
    return new HvpUnavailableError(
      'hvp needs macOS 15 (Sequoia) or later for the in-kernel GIC: this Hypervisor.framework ' +
        'has no hv_gic_create; update macOS to run Linux guests with hvp',
    );
  }
}
