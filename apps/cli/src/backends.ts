import type { ModuleExport } from '@vmm/machine/warmup';
import type { Accelerator } from './cli-option-spec.js';

/** The backend module behind each `--accel` name, resolved from this package. */
export function backendFor(accel: Accelerator): ModuleExport {
  switch (accel) {
    case 'kvm':
      return { module: import.meta.resolve('@vmm/kvm'), export: 'kvmBackend' };
    case 'hvp':
      return { module: import.meta.resolve('@vmm/hvp'), export: 'hvpBackend' };
  }
}
