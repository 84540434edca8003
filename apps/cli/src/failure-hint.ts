import { existsSync } from 'node:fs';
import type { VmOutcome } from '@vmm/machine';
import type { Accelerator } from './cli-option-spec.js';

/** Where Linux lists its loaded modules; `kvm_pvm` there is KVM's shadow-paging flavour. */
const PVM_MODULE = '/sys/module/kvm_pvm';

/**
 * A line of advice to print after `outcome`, or `undefined` when there is none: an emulation
 * failure under `--accel kvm` on a host whose KVM is kvm_pvm (`pathExists(PVM_MODULE)`), which
 * shadow-pages its guests and cannot emulate every instruction an unmodified Linux executes
 * while it boots, so the failure is the host's KVM's and not the guest's.
 */
export function failureHint(
  outcome: VmOutcome,
  accel: Accelerator,
  pathExists: (path: string) => boolean = existsSync,
): string | undefined {
  if (outcome.kind !== 'internal-error' || accel !== 'kvm' || !pathExists(PVM_MODULE)) {
    return undefined;
  }
  return (
    "this host's KVM is kvm_pvm (shadow paging), which stops an unmodified Linux partway " +
    'through its boot with an emulation failure; boot it on a KVM with hardware nested ' +
    "paging, or through the project's nested test bed (`pnpm start` takes that path here)"
  );
}
