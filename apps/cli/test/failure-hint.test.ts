import type { VmOutcome } from '@vmm/machine';
import { describe, expect, it } from 'vitest';
import { failureHint } from '../src/index.js';

const emulationFailure: VmOutcome = {
  kind: 'internal-error',
  vcpu: 0,
  suberror: 1,
  description: 'emulation failure',
  data: [],
  registers: 'rip=0xffffffff81000000',
};
const onPvmHost = (path: string): boolean => path === '/sys/module/kvm_pvm';
const onOtherHost = (): boolean => false;

describe('failureHint', () => {
  it('blames kvm_pvm for an emulation failure under KVM on a host that runs it', () => {
    const hint = failureHint(emulationFailure, 'kvm', onPvmHost);
    expect(hint).toMatch(/^this host's KVM is kvm_pvm \(shadow paging\)/);
    expect(hint).toMatch(/nested test bed/);
  });

  it('says nothing on other hosts, for other outcomes, or for Hypervisor.framework', () => {
    expect(failureHint(emulationFailure, 'kvm', onOtherHost)).toBeUndefined();
    expect(failureHint(emulationFailure, 'hvp', onPvmHost)).toBeUndefined();
    expect(failureHint({ kind: 'power-off' }, 'kvm', onPvmHost)).toBeUndefined();
    expect(
      failureHint({ kind: 'triple-fault', vcpu: 0, registers: '' }, 'kvm', onPvmHost),
    ).toBeUndefined();
  });
});
