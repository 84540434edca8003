/**
 * arm64-only KVM ioctl request numbers. `include/uapi/linux/kvm.h` defines them for every
 * architecture, but only arm64 defines `struct kvm_vcpu_init`, so an x86_64 host's header
 * cannot expand them; `test/aarch64-bindings.test.ts` checks them against the arm64 values.
 */
import { _IOR, _IOW } from '../ioctl-encoding.js';
import { KVMIO } from '../ioctl-numbers.js';
import { KVM_VCPU_INIT_LAYOUT } from './kvm-vcpu-init.js';

/** vCPU ioctl (arm64): sets the vCPU's target and features and resets it (`struct kvm_vcpu_init`). */
export const KVM_ARM_VCPU_INIT = _IOW(KVMIO, 0xae, KVM_VCPU_INIT_LAYOUT.size);
/** VM ioctl (arm64): the target that suits this host's CPUs (`struct kvm_vcpu_init`). */
export const KVM_ARM_PREFERRED_TARGET = _IOR(KVMIO, 0xaf, KVM_VCPU_INIT_LAYOUT.size);
