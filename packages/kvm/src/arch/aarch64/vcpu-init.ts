import { KVM_ARM_VCPU_INIT } from '../../bindings/aarch64/ioctl-numbers.js';
import { KvmArmVcpuFeature, type KvmVcpuInit } from '../../bindings/aarch64/kvm-vcpu-init.js';
import { KvmError } from '../../kvm-error.js';
import { libc } from '../../libc.js';

/**
 * The `kvm_vcpu_init` for vCPU `id`: KVM's preferred target with in-kernel PSCI 0.2, and for
 * every vCPU but the boot one (id 0) POWER_OFF, so that it waits in the kernel until the
 * guest starts it with PSCI CPU_ON. `preferred` is left as it is.
 */
export function vcpuInitFor(preferred: KvmVcpuInit, id: number): KvmVcpuInit {
  const init = preferred.clone();
  init.addFeature(KvmArmVcpuFeature.PSCI_0_2);
  if (id > 0) init.addFeature(KvmArmVcpuFeature.POWER_OFF);
  return init;
}

/**
 * KVM_ARM_VCPU_INIT on vCPU file descriptor `fd` (vCPU `id`): sets its target and features and
 * resets it (MPIDR_EL1 from its id, EL1h, MMU off). Nothing else reaches its registers before.
 */
export function initArmVcpu(fd: number, id: number, init: KvmVcpuInit): void {
  const c = libc();
  if (c.ioctlBuffer(fd, KVM_ARM_VCPU_INIT, init.bytes) < 0) {
    throw new KvmError('KVM_ARM_VCPU_INIT', c.errno(), `vCPU ${id}, target ${init.target}`);
  }
}
