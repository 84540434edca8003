import type { VirtBackend } from '@vmm/core';
import { hostKvmArchitecture } from './host-kvm-architecture.js';
import { KvmVirt } from './kvm-virt.js';

/**
 * The Linux KVM backend as `@vmm/machine` loads it: `create` on the main thread, `attach` in
 * each vCPU worker with the created VM's handle.
 */
export const kvmBackend: VirtBackend = {
  name: 'kvm',
  guestArch: () => hostKvmArchitecture().arch,
  create: (options) => KvmVirt.create(options),
  attach: (handle) => KvmVirt.attach(handle),
};
