import { VmmError, type BootState } from '@vmm/core';
import { Arm64Register, xRegisterId } from '../../bindings/aarch64/register-ids.js';
import type { KvmVcpu } from '../../kvm-vcpu.js';
import { BOOT_PSTATE } from './pstate.js';

/** X1 to X3 must be zero at Linux entry (Documentation/arch/arm64/booting.rst). */
const RESERVED_ENTRY_REGISTERS = [1, 2, 3];

/**
 * Loads an aarch64 boot state into `vcpu` as the arm64 Linux boot protocol wants it
 * (KVM_SET_ONE_REG): PSTATE = EL1h with DAIF masked, PC = the entry, X0 = the device tree,
 * X1-X3 = 0. The MMU and caches are already off after KVM_ARM_VCPU_INIT. Throws a
 * {@link VmmError} for an x86 boot mode.
 */
export function applyAarch64BootState(vcpu: KvmVcpu, state: BootState): void {
  if (state.mode !== 'aarch64') {
    throw new VmmError(
      `vCPU ${vcpu.id} is an aarch64 KVM vCPU and cannot start in ${state.mode} mode; ` +
        'an x86 guest needs an x86_64 host',
    );
  }
  vcpu.setOneReg(Arm64Register.PSTATE, BOOT_PSTATE);
  vcpu.setOneReg(Arm64Register.PC, state.entry);
  vcpu.setOneReg(Arm64Register.X0, state.deviceTree);
  for (const n of RESERVED_ENTRY_REGISTERS) vcpu.setOneReg(xRegisterId(n), 0n);
}
