import type { KvmCpuid2 } from '../../bindings/x86_64/kvm-cpuid2.js';
import type { KvmLapicState } from '../../bindings/x86_64/kvm-lapic-state.js';
import { Errno } from '../../errno.js';
import { KvmError } from '../../kvm-error.js';
import type { KvmVcpu } from '../../kvm-vcpu.js';
import { hideCpuFeatures } from './cpu-features.js';
import { cpuidForVcpu, cpuidHasX2apic } from './cpuid.js';
import { MSR_IA32_APIC_BASE, wireLintPins, x2apicBase } from './local-apic.js';

/**
 * What every new x86 vCPU needs before it runs: its CPUID table (KVM's supported leaves,
 * patched with its APIC id and the hypervisor bit, less the `hiddenFeatures`) and, when the VM
 * has an in-kernel irqchip, its local APIC's LINT0/LINT1 wired for ExtINT/NMI. With that local
 * APIC, and `tscDeadlineTimer` (KVM_CAP_TSC_DEADLINE_TIMER), the CPUID also advertises the
 * TSC-deadline timer, so Linux programs its timer by deadline instead of first calibrating the
 * APIC timer against the PIT. When the CPUID it gets has x2APIC, that local APIC starts in
 * x2APIC mode ({@link x2apicBase}), so the guest never touches the APIC's MMIO page (in the
 * nested test bed, stalls were the outer KVM emulating such accesses). `supportedCpuid` is
 * consumed.
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
  const visible = hideCpuFeatures(cpuid, hiddenFeatures);
  vcpu.setCpuid2(visible);
  if (lapic === undefined) return;
  wireLintPins(lapic);
  vcpu.setLapic(lapic);
  if (cpuidHasX2apic(visible)) {
    vcpu.setMsrs([{ index: MSR_IA32_APIC_BASE, data: x2apicBase(vcpu.id) }]);
  }
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
