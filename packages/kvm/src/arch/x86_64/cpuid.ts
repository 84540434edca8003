import type { KvmCpuid2 } from '../../bindings/x86_64/kvm-cpuid2.js';

/** CPUID leaf 1: version and feature information. */
const LEAF_FEATURES = 0x1;
/** CPUID leaf 0xB: extended topology. */
const LEAF_TOPOLOGY = 0xb;
/** CPUID leaf 0x1F: V2 extended topology. */
const LEAF_TOPOLOGY_V2 = 0x1f;
/** Leaf 1 ECX bit 31: running under a hypervisor. */
const ECX_HYPERVISOR = 1 << 31;
/** Leaf 1 ECX bit 24: the local APIC timer has the TSC-deadline mode. */
const ECX_TSC_DEADLINE = 1 << 24;
/** Leaf 1 EBX bits 31:24 hold the initial APIC id. */
const EBX_APIC_ID_SHIFT = 24;

/** What {@link cpuidForVcpu} adds to KVM's supported table. */
export interface VcpuCpuidOptions {
  /**
   * Advertise the TSC-deadline timer (leaf 1 ECX bit 24). KVM_GET_SUPPORTED_CPUID leaves it out
   * because only the in-kernel local APIC emulates it: set it when the VM has one and KVM has
   * KVM_CAP_TSC_DEADLINE_TIMER, as QEMU and Firecracker do.
   */
  readonly tscDeadlineTimer: boolean;
}

/**
 * The CPUID table for vCPU `vcpuId`, from KVM's supported table: leaf 1 EBX[31:24] and the
 * x2APIC id of leaves 0xB and 0x1F (EDX) set to the vCPU id, leaf 1 ECX bit 31 (hypervisor
 * present) set, and bit 24 (TSC-deadline timer) as `options` say. Modifies and returns `cpuid`.
 */
export function cpuidForVcpu(
  cpuid: KvmCpuid2,
  vcpuId: number,
  options: VcpuCpuidOptions,
): KvmCpuid2 {
  for (let i = 0; i < cpuid.count; i++) {
    const entry = cpuid.entry(i);
    if (entry.function === LEAF_FEATURES) {
      entry.ebx = (entry.ebx & 0x00ff_ffff) | ((vcpuId & 0xff) << EBX_APIC_ID_SHIFT);
      entry.ecx |= ECX_HYPERVISOR;
      if (options.tscDeadlineTimer) entry.ecx |= ECX_TSC_DEADLINE;
    } else if (entry.function === LEAF_TOPOLOGY || entry.function === LEAF_TOPOLOGY_V2) {
      entry.edx = vcpuId;
    } else {
      continue;
    }
    cpuid.setEntry(i, entry);
  }
  return cpuid;
}
