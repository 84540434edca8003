import { hostArch } from '@vmm/core';
import { aarch64KvmArchitecture } from './arch/aarch64/aarch64-kvm-architecture.js';
import { x86_64KvmArchitecture } from './arch/x86_64/x86-64-kvm-architecture.js';
import type { KvmArchitecture } from './kvm-architecture.js';
import { KVM_DEVICE_PATH } from './kvm-system.js';
import { KvmUnavailableError } from './kvm-unavailable-error.js';

/**
 * The {@link KvmArchitecture} of this host (x86_64 or aarch64). Throws
 * {@link KvmUnavailableError} on a host of any other architecture.
 */
export function hostKvmArchitecture(): KvmArchitecture {
  switch (hostArch()) {
    case 'x86_64':
      return x86_64KvmArchitecture;
    case 'aarch64':
      return aarch64KvmArchitecture;
    default:
      throw new KvmUnavailableError(
        KVM_DEVICE_PATH,
        `vmm's KVM backend drives x86_64 and aarch64 hosts, and this host is ${process.arch}`,
        'run vmm on an x86_64 or aarch64 Linux host',
      );
  }
}
