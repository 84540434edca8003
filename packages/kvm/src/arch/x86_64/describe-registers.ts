import { hex } from '@vmm/core';
import type { KvmVcpu } from '../../kvm-vcpu.js';

/**
 * The main x86 registers in one line:
 * `rip=… rsp=… rflags=… cr0=… cr3=… cr4=… efer=… cs=…` (KVM_GET_REGS, KVM_GET_SREGS).
 */
export function describeX86Registers(vcpu: KvmVcpu): string {
  const regs = vcpu.getRegs();
  const sregs = vcpu.getSregs();
  return [
    `rip=${hex(regs.get('rip'))}`,
    `rsp=${hex(regs.get('rsp'))}`,
    `rflags=${hex(regs.get('rflags'))}`,
    `cr0=${hex(sregs.get('cr0'))}`,
    `cr3=${hex(sregs.get('cr3'))}`,
    `cr4=${hex(sregs.get('cr4'))}`,
    `efer=${hex(sregs.get('efer'))}`,
    `cs=${hex(sregs.getSegment('cs').selector)}`,
  ].join(' ');
}
