import { GuestAddressSpaceError, MemorySlotLimitError } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IPA_BITS, aarch64VmType } from '../src/arch/aarch64/ipa-size.js';
import { x86GuestPhysicalAddressBits } from '../src/arch/x86_64/guest-address-bits.js';
import { KvmCap } from '../src/bindings/kvm-capabilities.js';
import { KvmCpuid2 } from '../src/bindings/x86_64/kvm-cpuid2.js';
import { KvmVirt } from '../src/index.js';
import { hasKvm, warnIfNoKvm } from './kvm-host.js';

function cpuidWith(
  leaves: ReadonlyArray<{ readonly fn: number; readonly eax: number }>,
): KvmCpuid2 {
  const cpuid = new KvmCpuid2(leaves.length);
  leaves.forEach(({ fn, eax }, i) =>
    cpuid.setEntry(i, { function: fn, index: 0, flags: 0, eax, ebx: 0, ecx: 0, edx: 0 }),
  );
  return cpuid;
}

describe('x86GuestPhysicalAddressBits', () => {
  it('reads MAXPHYADDR from leaf 0x80000008 EAX[7:0], ignoring the linear width above it', () => {
    const cpuid = cpuidWith([
      { fn: 0x1, eax: 0x30 },
      { fn: 0x8000_0008, eax: 0x3028 },
    ]);
    expect(x86GuestPhysicalAddressBits(cpuid)).toBe(40);
  });

  it('takes 36 bits when the leaf is missing or reports 0', () => {
    expect(x86GuestPhysicalAddressBits(cpuidWith([{ fn: 0x1, eax: 0x30 }]))).toBe(36);
    expect(x86GuestPhysicalAddressBits(cpuidWith([{ fn: 0x8000_0008, eax: 0 }]))).toBe(36);
  });
});

describe('aarch64VmType', () => {
  const kvmWithMaxIpa = (bits: number) => ({
    checkExtension: (cap: number) => (cap === KvmCap.ARM_VM_IPA_SIZE ? bits : 0),
  });

  it('keeps the default type (40-bit IPA) for a map that fits it, asking KVM nothing', () => {
    const silent = {
      checkExtension: (): number => {
        throw new Error('asked');
      },
    };
    expect(aarch64VmType(silent, undefined)).toBe(0);
    expect(aarch64VmType(silent, 1n << BigInt(DEFAULT_IPA_BITS))).toBe(0);
  });

  it('asks for the IPA size a larger map needs when KVM offers it', () => {
    expect(aarch64VmType(kvmWithMaxIpa(48), (1n << 40n) + 0x1000n)).toBe(41);
    expect(aarch64VmType(kvmWithMaxIpa(48), 1n << 48n)).toBe(48);
  });

  it('refuses a map beyond the largest IPA size, and beyond 40 bits where KVM cannot change it', () => {
    expect(() => aarch64VmType(kvmWithMaxIpa(44), (1n << 44n) + 1n)).toThrow(
      /needs 45-bit .* gives a guest 44 bits/,
    );
    expect(() => aarch64VmType(kvmWithMaxIpa(0), (1n << 40n) + 1n)).toThrow(GuestAddressSpaceError);
  });
});

warnIfNoKvm('KvmVirt address-space checks on /dev/kvm');

describe.skipIf(!hasKvm)("KvmVirt.create checks the guest's memory map against this KVM", () => {
  it('creates a VM whose map ends at 4 GiB', () => {
    const virt = KvmVirt.create({ vcpus: 1, guestAddressSpan: 1n << 32n, memorySlots: 2 });
    virt.close();
  });

  it('refuses a map beyond any x86 physical address width (52 bits)', () => {
    expect(() => KvmVirt.create({ vcpus: 1, guestAddressSpan: (1n << 52n) + 1n })).toThrow(
      GuestAddressSpaceError,
    );
  });

  it('refuses more memory slots than KVM has', () => {
    expect(() => KvmVirt.create({ vcpus: 1, memorySlots: 1_000_000 })).toThrow(
      MemorySlotLimitError,
    );
  });
});
