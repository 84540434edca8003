import type { MsrEntry } from '../../bindings/x86_64/kvm-msrs.js';

/** IA32_TIME_STAMP_COUNTER. */
const MSR_IA32_TSC = 0x10;
/** IA32_SYSENTER_CS. */
const MSR_IA32_SYSENTER_CS = 0x174;
/** IA32_SYSENTER_ESP. */
const MSR_IA32_SYSENTER_ESP = 0x175;
/** IA32_SYSENTER_EIP. */
const MSR_IA32_SYSENTER_EIP = 0x176;
/** IA32_MISC_ENABLE. */
const MSR_IA32_MISC_ENABLE = 0x1a0;
/** IA32_MISC_ENABLE bit 0: fast string operations. */
const MISC_ENABLE_FAST_STRING = 1n;
/** STAR: `syscall` segment selectors. */
const MSR_STAR = 0xc000_0081;
/** LSTAR: 64-bit `syscall` entry. */
const MSR_LSTAR = 0xc000_0082;
/** CSTAR: compatibility-mode `syscall` entry. */
const MSR_CSTAR = 0xc000_0083;
/** SFMASK: rflags bits `syscall` clears. */
const MSR_SYSCALL_MASK = 0xc000_0084;
/** KERNEL_GS_BASE: the gs base `swapgs` swaps in. */
const MSR_KERNEL_GS_BASE = 0xc000_0102;

/**
 * The MSRs a boot vCPU starts with, as Firecracker sets them for Linux: the syscall and
 * sysenter MSRs and the TSC zeroed, fast strings enabled.
 */
export const BOOT_MSRS: readonly MsrEntry[] = [
  { index: MSR_IA32_SYSENTER_CS, data: 0n },
  { index: MSR_IA32_SYSENTER_ESP, data: 0n },
  { index: MSR_IA32_SYSENTER_EIP, data: 0n },
  { index: MSR_STAR, data: 0n },
  { index: MSR_CSTAR, data: 0n },
  { index: MSR_KERNEL_GS_BASE, data: 0n },
  { index: MSR_SYSCALL_MASK, data: 0n },
  { index: MSR_LSTAR, data: 0n },
  { index: MSR_IA32_TSC, data: 0n },
  { index: MSR_IA32_MISC_ENABLE, data: MISC_ENABLE_FAST_STRING },
];
