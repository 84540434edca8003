import type { ModuleExport } from '@vmm/machine/warmup';
import { HVP_BACKEND_MODULE, KVM_BACKEND_MODULE } from './bundled-backends.js';
import type { Accelerator } from './cli-option-spec.js';

/**
 * The backend module behind each `--accel` name, by package name: `bundled-backends.ts`
 * provides both in every thread of the command, as the bundle's own copies.
 */
export function backendFor(accel: Accelerator): ModuleExport {
  switch (accel) {
    case 'kvm':
      return { module: KVM_BACKEND_MODULE, export: 'kvmBackend' };
    case 'hvp':
      return { module: HVP_BACKEND_MODULE, export: 'hvpBackend' };
  }
}
