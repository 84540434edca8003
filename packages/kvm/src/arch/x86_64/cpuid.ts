import type { KvmCpuid2 } from '../../bindings/x86_64/kvm-cpuid2.js';

/** CPUID leaf 1: version and feature information. */
const LEAF_FEATURES = 0x1;
/** CPUID leaf 0xB: extended topology. */
const LEAF_TOPOLOGY = 0xb;
/** CPUID leaf 0x1F: V2 extended topology. */
const LEAF_TOPOLOGY_V2 = 0x1f;
/** Leaf 1 ECX bit 31: running under a hypervisor. */
const ECX_HYPERVISOR = 1 << 31;
/** Leaf 1 EBX bits 31:24 hold the initial APIC id. */
const EBX_APIC_ID_SHIFT = 24;

/**
 * The CPUID table for vCPU `vcpuId`, from KVM's supported table: leaf 1 EBX[31:24] and the
 * x2APIC id of leaves 0xB and 0x1F (EDX) set to the vCPU id, and leaf 1 ECX bit 31
 * (hypervisor present) set. Modifies and returns `cpuid`.
 */
export function cpuidForVcpu(cpuid: KvmCpuid2, vcpuId: number): KvmCpuid2 {
  for (let i = 0; i < cpuid.count; i++) {
    const entry = cpuid.entry(i);
    if (entry.function === LEAF_FEATURES) {
      entry.ebx = (entry.ebx & 0x00ff_ffff) | ((vcpuId & 0xff) << EBX_APIC_ID_SHIFT);
      entry.ecx |= ECX_HYPERVISOR;
    } else if (entry.function === LEAF_TOPOLOGY || entry.function === LEAF_TOPOLOGY_V2) {
      entry.edx = vcpuId;
    } else {
      continue;
    }
    cpuid.setEntry(i, entry);
  }
  return cpuid;
}
