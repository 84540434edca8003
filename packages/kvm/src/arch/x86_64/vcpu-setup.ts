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
 * has an in-kernel irqchip, its local APIC's LINT0/LINT1 wired for ExtINT/NMI. With that local
 * APIC, and `tscDeadlineTimer` (KVM_CAP_TSC_DEADLINE_TIMER), the CPUID also advertises the
 * TSC-deadline timer, so Linux programs its timer by deadline instead of first calibrating the
 * APIC timer against the PIT. `supportedCpuid` is consumed.
 */
export function setUpX86Vcpu(
  vcpu: KvmVcpu,
  supportedCpuid: KvmCpuid2,
  hiddenFeatures: readonly string[] = [],
  tscDeadlineTimer = false,
): void {
  const lapic = inKernelLapic(vcpu);
  const cpuid = cpuidForVcpu(supportedCpuid, vcpu.id, {
    tscDeadlineTimer: tscDeadlineTimer && lapic !== undefined,
  });
  vcpu.setCpuid2(hideCpuFeatures(cpuid, hiddenFeatures));
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
