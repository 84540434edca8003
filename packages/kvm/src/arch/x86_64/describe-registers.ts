import { hex } from '@vmm/core';
import type { KvmVcpu } from '../../kvm-vcpu.js';

/** Where an x86 CPU starts after RESET or INIT: CS selector 0xf000, IP 0xfff0, in real mode. */
const RESET_CS = 0xf000;
const RESET_RIP = 0xfff0n;
/** CR0.PE: protected mode. */
const CR0_PE = 1n;

/**
 * What the line adds when the vCPU is in its reset state. KVM on AMD (SVM) re-initialises a
 * vCPU that shut down (a triple fault) before it reports the shutdown, so the registers then
 * say nothing about the fault; on Intel (VMX) they are the faulting state.
 */
export const X86_RESET_STATE_NOTE =
  '(the reset state: KVM on AMD hosts re-initialises a vCPU when it shuts down, so the state at a triple fault is lost)';

/**
 * The main x86 registers in one line:
 * `rip=… rsp=… rflags=… cr0=… cr3=… cr4=… efer=… cs=…` (KVM_GET_REGS, KVM_GET_SREGS),
 * followed by {@link X86_RESET_STATE_NOTE} when they are the reset state.
 */
export function describeX86Registers(vcpu: KvmVcpu): string {
  const regs = vcpu.getRegs();
  const sregs = vcpu.getSregs();
  const cs = sregs.getSegment('cs').selector;
  const line = [
    `rip=${hex(regs.get('rip'))}`,
    `rsp=${hex(regs.get('rsp'))}`,
    `rflags=${hex(regs.get('rflags'))}`,
    `cr0=${hex(sregs.get('cr0'))}`,
    `cr3=${hex(sregs.get('cr3'))}`,
    `cr4=${hex(sregs.get('cr4'))}`,
    `efer=${hex(sregs.get('efer'))}`,
    `cs=${hex(cs)}`,
  ].join(' ');
  const reset =
    regs.get('rip') === RESET_RIP && cs === RESET_CS && (sregs.get('cr0') & CR0_PE) === 0n;
  return reset ? `${line} ${X86_RESET_STATE_NOTE}` : line;
}
