import type { VirtBackend } from '@vmm/core';
import { HvpVirt } from './hvp-virt.js';
import { checkHvpPlatform } from './koffi-hv-api.js';

/**
 * The macOS Hypervisor.framework backend as `@vmm/machine` loads it: `create` on the main
 * thread (one VM per process), `attach` in each vCPU worker with the created VM's handle.
 */
export const hvpBackend: VirtBackend = {
  name: 'hvp',
  guestArch: () => {
    checkHvpPlatform();
    return 'aarch64';
  },
  create: (options) => HvpVirt.create(options),
  attach: (handle) => HvpVirt.attach(handle),
};
