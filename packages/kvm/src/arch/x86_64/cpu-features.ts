import { VmmError } from '@vmm/core';
import type { KvmCpuid2 } from '../../bindings/x86_64/kvm-cpuid2.js';

/** Where a CPU feature's bit sits in the CPUID table. */
interface CpuidBit {
  /** The leaf (EAX input). */
  readonly leaf: number;
  /** The sub-leaf (ECX input); 0 for leaves without sub-leaves. */
  readonly subleaf: number;
  /** The output register. */
  readonly register: 'eax' | 'ebx' | 'ecx' | 'edx';
  /** The bit number. */
  readonly bit: number;
}

const leaf1Ecx = (bit: number): CpuidBit => ({ leaf: 1, subleaf: 0, register: 'ecx', bit });
const leaf7Ebx = (bit: number): CpuidBit => ({ leaf: 7, subleaf: 0, register: 'ebx', bit });
const leaf7Ecx = (bit: number): CpuidBit => ({ leaf: 7, subleaf: 0, register: 'ecx', bit });
/** Leaf 0xD sub-leaf 1 EAX: the XSAVE instruction variants (XSAVEOPT, XSAVEC, XGETBV1, XSAVES). */
const xsaveVariant = (bit: number): CpuidBit => ({ leaf: 0xd, subleaf: 1, register: 'eax', bit });

/**
 * The x86 CPU features a guest can be kept from seeing, by the names QEMU and Linux's
 * `/proc/cpuinfo` use, with their CPUID bits (Intel SDM vol. 2A, CPUID) and the features that
 * cannot work without them (hidden along with them, as Linux's own `cpuid_deps` would).
 */
const FEATURES = {
  xsave: {
    bits: [leaf1Ecx(26), xsaveVariant(0), xsaveVariant(1), xsaveVariant(2), xsaveVariant(3)],
    implies: ['avx', 'pku'],
  },
  avx: { bits: [leaf1Ecx(28), leaf1Ecx(12), leaf1Ecx(29)], implies: ['avx2', 'avx512f'] },
  avx2: { bits: [leaf7Ebx(5)], implies: [] },
  avx512f: { bits: [leaf7Ebx(16)], implies: [] },
  pku: { bits: [leaf7Ecx(3)], implies: [] },
  x2apic: { bits: [leaf1Ecx(21)], implies: [] },
  pcid: { bits: [leaf1Ecx(17)], implies: [] },
  'tsc-deadline': { bits: [leaf1Ecx(24)], implies: [] },
  rdrand: { bits: [leaf1Ecx(30)], implies: [] },
  rdseed: { bits: [leaf7Ebx(18)], implies: [] },
  la57: { bits: [leaf7Ecx(16)], implies: [] },
} as const satisfies Record<string, { bits: readonly CpuidBit[]; implies: readonly string[] }>;

/** A CPU feature name {@link hideCpuFeatures} knows. */
export type HideableCpuFeature = keyof typeof FEATURES;

/** Every name {@link hideCpuFeatures} accepts, in the order of its table. */
export const HIDEABLE_CPU_FEATURES = Object.keys(FEATURES) as readonly HideableCpuFeature[];

/** A CPU feature name that vmm cannot hide (not in {@link HIDEABLE_CPU_FEATURES}). */
export class UnknownCpuFeatureError extends VmmError {}

/** Whether `name` is one of {@link HIDEABLE_CPU_FEATURES}. */
export function isHideableCpuFeature(name: string): name is HideableCpuFeature {
  return Object.hasOwn(FEATURES, name);
}

/**
 * Checks `names` against {@link HIDEABLE_CPU_FEATURES} and returns the CPUID bits to clear:
 * theirs and those of the features that depend on them.
 *
 * @throws {@link UnknownCpuFeatureError} naming the first unknown feature and the known ones.
 */
export function cpuFeatureBits(names: readonly string[]): CpuidBit[] {
  const bits: CpuidBit[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    if (!isHideableCpuFeature(name)) {
      throw new UnknownCpuFeatureError(
        `unknown CPU feature '${name}'; vmm can hide ${HIDEABLE_CPU_FEATURES.join(', ')}`,
      );
    }
    seen.add(name);
    bits.push(...FEATURES[name].bits);
    for (const implied of FEATURES[name].implies) visit(implied);
  };
  for (const name of names) visit(name);
  return bits;
}

/**
 * Clears the CPUID bits of the features `names` (and of those that depend on them) in
 * `cpuid`, so the guest does not see them. Modifies and returns `cpuid`.
 *
 * @throws {@link UnknownCpuFeatureError} for a name not in {@link HIDEABLE_CPU_FEATURES}.
 */
export function hideCpuFeatures(cpuid: KvmCpuid2, names: readonly string[]): KvmCpuid2 {
  const bits = cpuFeatureBits(names);
  for (let i = 0; i < cpuid.count; i++) {
    const entry = cpuid.entry(i);
    const mine = bits.filter((b) => b.leaf === entry.function && b.subleaf === entry.index);
    if (mine.length === 0) continue;
    for (const { register, bit } of mine) entry[register] = (entry[register] & ~(1 << bit)) >>> 0;
    cpuid.setEntry(i, entry);
  }
  return cpuid;
}
