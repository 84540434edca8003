import { hex } from '@vmm/core';
import { Arm64Register } from '../../bindings/aarch64/register-ids.js';
import type { KvmVcpu } from '../../kvm-vcpu.js';

/**
 * The main arm64 registers in one line, read with KVM_GET_ONE_REG:
 * `pc=… sp=… pstate=… sp_el1=…` (`sp` is SP_EL0; a kernel in EL1h runs on SP_EL1).
 */
export function describeAarch64Registers(vcpu: KvmVcpu): string {
  return [
    `pc=${hex(vcpu.getOneReg(Arm64Register.PC))}`,
    `sp=${hex(vcpu.getOneReg(Arm64Register.SP))}`,
    `pstate=${hex(vcpu.getOneReg(Arm64Register.PSTATE))}`,
    `sp_el1=${hex(vcpu.getOneReg(Arm64Register.SP_EL1))}`,
  ].join(' ');
}
