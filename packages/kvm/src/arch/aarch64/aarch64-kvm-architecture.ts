import { VmmError } from '@vmm/core';
import { KvmCap } from '../../bindings/kvm-capabilities.js';
import type { KvmArchitecture } from '../../kvm-architecture.js';
import { applyAarch64BootState } from './boot-state.js';
import { describeAarch64Registers } from './describe-registers.js';
import { aarch64VmType } from './ipa-size.js';
import { initArmVcpu, vcpuInitFor } from './vcpu-init.js';
import { createVgicV3, vgicSpiIrqLine } from './vgic-v3.js';

/**
 * The arm64 steps of a KVM VM.
 *
 * vCPUs: the in-kernel vGICv3 must be initialised after every vCPU exists and before any
 * runs, and a secondary must be initialised (powered off, waiting for PSCI CPU_ON) before
 * the boot vCPU can start it. vmm's vCPUs are set up lazily in their own worker threads, so
 * instead of coordinating those threads, the VM's creator makes every vCPU at once: at
 * `KvmVirt.create` it runs KVM_CREATE_VCPU and KVM_ARM_VCPU_INIT for ids 0 to n-1 and keeps
 * the fds (listed in the handle). `createIrqChip` can then create and initialise the vGICv3
 * straight away, and `createVcpu(id)` on any thread adopts vCPU `id`'s fd: it maps its
 * `kvm_run` area and prepares kicks there. No thread ever waits for another.
 *
 * Interrupt lines are SPI indexes (INTID = 32 + line); boot state is the arm64 Linux entry.
 */
export const aarch64KvmArchitecture: KvmArchitecture = {
  arch: 'aarch64',
  requiredCapabilities: {
    IRQCHIP: KvmCap.IRQCHIP,
    USER_MEMORY: KvmCap.USER_MEMORY,
    ONE_REG: KvmCap.ONE_REG,
    DEVICE_CTRL: KvmCap.DEVICE_CTRL,
    ARM_PSCI_0_2: KvmCap.ARM_PSCI_0_2,
  },
  checkHiddenCpuFeatures(names) {
    if (names.length > 0) {
      throw new VmmError(
        `hiding CPU features (${names.join(', ')}) works for x86_64 guests only, not on this arm64 host`,
      );
    }
  },
  vmType: aarch64VmType,
  setUpVm(virt) {
    const preferred = virt.preferredTarget();
    for (let id = 0; id < virt.vcpuCount; id++) {
      initArmVcpu(virt.createVcpuUpFront(id), id, vcpuInitFor(preferred, id));
    }
  },
  createIrqChip(virt) {
    createVgicV3(virt);
  },
  setUpVcpu() {
    // Created and initialised with the VM: the thread that runs it has nothing to add.
  },
  applyBootState: applyAarch64BootState,
  describeRegisters: describeAarch64Registers,
  irqLine: vgicSpiIrqLine,
};
