import { VmmError, checkGuestAddressSpan, x86_64Layout } from '@vmm/core';
import { KvmCap } from '../../bindings/kvm-capabilities.js';
import { KVM_PIT_SPEAKER_DUMMY } from '../../bindings/x86_64/kvm-pit-config.js';
import type { KvmArchitecture } from '../../kvm-architecture.js';
import { applyX86BootState } from './boot-state.js';
import { cpuFeatureBits } from './cpu-features.js';
import { describeX86Registers } from './describe-registers.js';
import { x86GuestPhysicalAddressBits } from './guest-address-bits.js';
import { setUpX86Vcpu } from './vcpu-setup.js';

/**
 * The x86_64 steps of a KVM VM: the real-mode helper pages at create, the in-kernel PIC pair,
 * IOAPIC and PIT as the irqchip, CPUID (less any hidden features) and local APIC pins per vCPU, long- or real-mode boot
 * registers, and interrupt lines that are GSIs as they are.
 */
export const x86_64KvmArchitecture: KvmArchitecture = {
  arch: 'x86_64',
  requiredCapabilities: {
    IRQCHIP: KvmCap.IRQCHIP,
    USER_MEMORY: KvmCap.USER_MEMORY,
    SET_TSS_ADDR: KvmCap.SET_TSS_ADDR,
    SET_IDENTITY_MAP_ADDR: KvmCap.SET_IDENTITY_MAP_ADDR,
    EXT_CPUID: KvmCap.EXT_CPUID,
    PIT2: KvmCap.PIT2,
  },
  vmType(system, span) {
    if (span !== undefined) {
      const bits = x86GuestPhysicalAddressBits(system.supportedCpuid());
      checkGuestAddressSpan(span, bits, "this host's KVM");
    }
    return 0;
  },
  setUpVm(virt) {
    virt.setIdentityMapAddress(x86_64Layout.KVM_IDENTITY_MAP_START);
    virt.setTssAddress(x86_64Layout.KVM_TSS_START);
  },
  checkHiddenCpuFeatures(names) {
    cpuFeatureBits(names);
  },
  createIrqChip(virt) {
    virt.createKernelIrqchip();
    virt.createPit2(KVM_PIT_SPEAKER_DUMMY);
  },
  setUpVcpu(vcpu, virt) {
    setUpX86Vcpu(
      vcpu,
      virt.system.supportedCpuid(),
      virt.hiddenCpuFeatures,
      virt.system.checkExtension(KvmCap.TSC_DEADLINE_TIMER) > 0,
    );
  },
  applyBootState(vcpu, state) {
    if (state.mode === 'aarch64') {
      throw new VmmError(
        `vCPU ${vcpu.id} is an x86_64 KVM vCPU and cannot start in aarch64 mode; ` +
          'an aarch64 guest needs an aarch64 host',
      );
    }
    applyX86BootState(vcpu, state);
  },
  describeRegisters: describeX86Registers,
  irqLine: (line) => line,
};
