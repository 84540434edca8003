import type { KvmCpuid2 } from '../../bindings/x86_64/kvm-cpuid2.js';

/** CPUID leaf 0x8000_0008: address sizes; EAX bits 7:0 are the physical address width. */
const LEAF_ADDRESS_SIZES = 0x8000_0008;
/** The width a CPU without that leaf has (Intel SDM, CPUID: 36 bits when it is not reported). */
const DEFAULT_PHYSICAL_ADDRESS_BITS = 36;

/**
 * The physical address width (MAXPHYADDR) of a guest given KVM's supported CPUID table
 * `cpuid`, as its leaf 0x8000_0008 reports it: no RAM or device may lie at or above
 * `2 ** bits`, where the guest's page tables cannot point.
 */
export function x86GuestPhysicalAddressBits(cpuid: KvmCpuid2): number {
  for (let i = 0; i < cpuid.count; i++) {
    const entry = cpuid.entry(i);
    if (entry.function === LEAF_ADDRESS_SIZES) {
      return entry.eax & 0xff || DEFAULT_PHYSICAL_ADDRESS_BITS;
    }
  }
  return DEFAULT_PHYSICAL_ADDRESS_BITS;
}
