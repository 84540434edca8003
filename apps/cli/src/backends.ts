import type { ModuleExport } from '@vmm/machine/warmup';
import type { Accelerator } from './cli-option-spec.js';

/**
 * The backend module behind each `--accel` name: this package's own backend entry (built next
 * to this code), so that the backend shares the bundle's single copy of @vmm/core.
 */
export function backendFor(accel: Accelerator): ModuleExport {
  switch (accel) {
    case 'kvm':
      return { module: new URL('./kvm-backend.js', import.meta.url).href, export: 'kvmBackend' };
    case 'hvp':
      return { module: new URL('./hvp-backend.js', import.meta.url).href, export: 'hvpBackend' };
  }
}
