import type { KvmCpuid2 } from '../../bindings/x86_64/kvm-cpuid2.js';
import type { KvmLapicState } from '../../bindings/x86_64/kvm-lapic-state.js';
import { Errno } from '../../errno.js';
import { KvmError } from '../../kvm-error.js';
import type { KvmVcpu } from '../../kvm-vcpu.js';
import { hideCpuFeatures } from './cpu-features.js';
import { cpuidForVcpu } from './cpuid.js';
import { wireLintPins } from './local-apic.js';

/**
 * What every new x86 vCPU needs before it runs: its CPUID table (KVM's supported leaves,
 * patched with its APIC id and the hypervisor bit, less the `hiddenFeatures`) and, when the VM
 * has an in-kernel irqchip, its local APIC's LINT0/LINT1 wired for ExtINT/NMI.
 * `supportedCpuid` is consumed.
 */
export function setUpX86Vcpu(
  vcpu: KvmVcpu,
  supportedCpuid: KvmCpuid2,
  hiddenFeatures: readonly string[] = [],
): void {
  vcpu.setCpuid2(hideCpuFeatures(cpuidForVcpu(supportedCpuid, vcpu.id), hiddenFeatures));
  const lapic = inKernelLapic(vcpu);
  if (lapic === undefined) return;
  wireLintPins(lapic);
  vcpu.setLapic(lapic);
}

/** The vCPU's in-kernel local APIC, or `undefined` when the VM has no in-kernel irqchip. */
function inKernelLapic(vcpu: KvmVcpu): KvmLapicState | undefined {
  try {
    return vcpu.getLapic();
  } catch (error) {
    // KVM_GET_LAPIC answers EINVAL when the vCPU has no in-kernel local APIC.
    if (error instanceof KvmError && error.errno === Errno.EINVAL) return undefined;
    throw error;
  }
}
