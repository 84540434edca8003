import { VmmError } from '@vmm/core';
import { errnoDescription, errnoName } from './errno.js';

/**
 * A KVM ioctl (or a system call made for KVM, such as `mmap` of guest RAM) failed. The
 * message names the call and the errno, plus what was being attempted.
 */
export class KvmError extends VmmError {
  /** Creates the error for `ioctl` failing with `errno`; `context` says what was being done. */
  constructor(
    /** The failed call: a KVM ioctl name (`KVM_CREATE_VCPU`) or a system call (`mmap`). */
    readonly ioctl: string,
    /** The errno the call left. */
    readonly errno: number,
    context?: string,
  ) {
    const what = context === undefined ? '' : ` (${context})`;
    super(
      `${ioctl} failed${what}: ${errnoName(errno)} (errno ${errno}, ${errnoDescription(errno)})`,
    );
  }
}
