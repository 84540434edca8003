import { describe, expect, it } from 'vitest';
import { KvmCpuid2 } from '../src/bindings/x86_64/kvm-cpuid2.js';
import {
  HIDEABLE_CPU_FEATURES,
  UnknownCpuFeatureError,
  cpuFeatureBits,
  hideCpuFeatures,
} from '../src/arch/x86_64/cpu-features.js';
import { parseKvmHandle, hiddenCpuFeaturesOf } from '../src/kvm-handle.js';
import { KvmVirt } from '../src/kvm-virt.js';
import { hasKvm } from './kvm-host.js';

const ALL = 0xffff_ffff;

/** A CPUID table of leaves 1, 7.0, 7.1, 0xd.0 and 0xd.1, every bit set. */
function table(): KvmCpuid2 {
  const cpuid = new KvmCpuid2(5);
  const full = { flags: 0, eax: ALL, ebx: ALL, ecx: ALL, edx: ALL };
  const leaves: [number, number][] = [
    [1, 0],
    [7, 0],
    [7, 1],
    [0xd, 0],
    [0xd, 1],
  ];
  leaves.forEach(([leaf, index], i) => cpuid.setEntry(i, { function: leaf, index, ...full }));
  return cpuid;
}

describe('hiding x86 CPU features', () => {
  it('clears XSAVE, its variants and the features that need it (AVX, FMA, F16C, AVX2, AVX-512F, PKU)', () => {
    const [leaf1, leaf7, leaf7s1, leafD, leafD1] = hideCpuFeatures(table(), ['xsave']).entries();
    expect(leaf1!.ecx).toBe((ALL & ~(1 << 26) & ~(1 << 28) & ~(1 << 12) & ~(1 << 29)) >>> 0);
    expect(leaf1!.edx).toBe(ALL);
    expect(leaf7!.ebx).toBe((ALL & ~(1 << 5) & ~(1 << 16)) >>> 0);
    expect(leaf7!.ecx).toBe((ALL & ~(1 << 3)) >>> 0);
    expect(leaf7s1!.ebx).toBe(ALL);
    expect(leafD!.eax).toBe(ALL);
    expect(leafD1!.eax).toBe((ALL & ~0xf) >>> 0); // XSAVEOPT, XSAVEC, XGETBV1, XSAVES
    expect(leafD1!.ebx).toBe(ALL);
  });

  it('clears only the named bit for a feature nothing depends on', () => {
    const [leaf1, leaf7] = hideCpuFeatures(table(), ['x2apic', 'la57']).entries();
    expect(leaf1!.ecx).toBe((ALL & ~(1 << 21)) >>> 0);
    expect(leaf7!.ecx).toBe((ALL & ~(1 << 16)) >>> 0);
    expect(leaf7!.ebx).toBe(ALL);
  });

  it('leaves the table alone when nothing is hidden', () => {
    expect(hideCpuFeatures(table(), []).entries()).toEqual(table().entries());
  });

  it('rejects an unknown name, listing the known ones', () => {
    expect(() => cpuFeatureBits(['avx', 'sse2'])).toThrow(UnknownCpuFeatureError);
    expect(() => cpuFeatureBits(['sse2'])).toThrow(
      `unknown CPU feature 'sse2'; vmm can hide ${HIDEABLE_CPU_FEATURES.join(', ')}`,
    );
  });

  it('carries the hidden features to worker threads in the VM handle', () => {
    const handle = parseKvmHandle({
      backend: 'kvm',
      kvmFd: 3,
      vmFd: 4,
      vcpus: 1,
      hiddenCpuFeatures: 'xsave,pcid',
    });
    expect(hiddenCpuFeaturesOf(handle)).toEqual(['xsave', 'pcid']);
    expect(
      hiddenCpuFeaturesOf(parseKvmHandle({ backend: 'kvm', kvmFd: 3, vmFd: 4, vcpus: 1 })),
    ).toEqual([]);
  });

  it.skipIf(!hasKvm)('refuses an unknown feature before it creates a VM', () => {
    expect(() => KvmVirt.create({ vcpus: 1, hiddenCpuFeatures: ['nope'] })).toThrow(
      UnknownCpuFeatureError,
    );
  });

  it.skipIf(!hasKvm)('puts the hidden features in the handle of a real VM', () => {
    const virt = KvmVirt.create({ vcpus: 1, hiddenCpuFeatures: ['xsave'] });
    try {
      expect(virt.handle).toMatchObject({ hiddenCpuFeatures: 'xsave' });
      expect(KvmVirt.attach(virt.handle).hiddenCpuFeatures).toEqual(['xsave']);
    } finally {
      virt.close();
    }
  });
});
