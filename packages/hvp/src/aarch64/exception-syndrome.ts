/**
 * ESR_EL2, the exception syndrome Hypervisor.framework reports in
 * `hv_vcpu_exit_t.exception.syndrome` (Arm ARM D24.2.40 ESR_EL2): EC in bits 31:26, IL in
 * bit 25, the instruction-specific syndrome (ISS) in bits 24:0.
 */

/** Exception classes (ESR_EL2.EC) the backend names or handles. */
export const ExceptionClass = {
  /** 0x00: unknown reason (e.g. an instruction the hardware will not trap precisely). */
  UNKNOWN: 0x00,
  /** 0x01: a trapped WFI or WFE. */
  WFX: 0x01,
  /** 0x07: access to SVE, Advanced SIMD or floating point trapped. */
  FP_ACCESS: 0x07,
  /** 0x0e: illegal execution state. */
  ILLEGAL_STATE: 0x0e,
  /** 0x15: SVC from AArch64. */
  SVC64: 0x15,
  /** 0x16: HVC from AArch64. */
  HVC64: 0x16,
  /** 0x17: SMC from AArch64 (trapped; the PC is left on the SMC). */
  SMC64: 0x17,
  /** 0x18: MSR, MRS or system instruction trapped. */
  SYSREG: 0x18,
  /** 0x19: SVE access trapped. */
  SVE_ACCESS: 0x19,
  /** 0x20: instruction abort from a lower exception level. */
  INSTRUCTION_ABORT_LOWER: 0x20,
  /** 0x21: instruction abort without a change in exception level. */
  INSTRUCTION_ABORT_SAME: 0x21,
  /** 0x22: PC alignment fault. */
  PC_ALIGNMENT: 0x22,
  /** 0x24: data abort from a lower exception level (MMIO accesses land here). */
  DATA_ABORT_LOWER: 0x24,
  /** 0x25: data abort without a change in exception level. */
  DATA_ABORT_SAME: 0x25,
  /** 0x26: SP alignment fault. */
  SP_ALIGNMENT: 0x26,
  /** 0x2c: trapped floating-point exception (AArch64). */
  FP_EXCEPTION: 0x2c,
  /** 0x2f: SError interrupt. */
  SERROR: 0x2f,
  /** 0x30: breakpoint from a lower exception level. */
  BREAKPOINT_LOWER: 0x30,
  /** 0x32: software step from a lower exception level. */
  SOFTWARE_STEP_LOWER: 0x32,
  /** 0x34: watchpoint from a lower exception level. */
  WATCHPOINT_LOWER: 0x34,
  /** 0x3c: BRK instruction (AArch64). */
  BRK64: 0x3c,
} as const;

const CLASS_NAMES: Readonly<Record<number, string>> = {
  [ExceptionClass.UNKNOWN]: 'unknown reason',
  [ExceptionClass.WFX]: 'WFI/WFE',
  [ExceptionClass.FP_ACCESS]: 'SVE/SIMD/floating-point access',
  [ExceptionClass.ILLEGAL_STATE]: 'illegal execution state',
  [ExceptionClass.SVC64]: 'SVC',
  [ExceptionClass.HVC64]: 'HVC',
  [ExceptionClass.SMC64]: 'SMC',
  [ExceptionClass.SYSREG]: 'MSR/MRS/system instruction',
  [ExceptionClass.SVE_ACCESS]: 'SVE access',
  [ExceptionClass.INSTRUCTION_ABORT_LOWER]: 'instruction abort from a lower EL',
  [ExceptionClass.INSTRUCTION_ABORT_SAME]: 'instruction abort',
  [ExceptionClass.PC_ALIGNMENT]: 'PC alignment fault',
  [ExceptionClass.DATA_ABORT_LOWER]: 'data abort from a lower EL',
  [ExceptionClass.DATA_ABORT_SAME]: 'data abort',
  [ExceptionClass.SP_ALIGNMENT]: 'SP alignment fault',
  [ExceptionClass.FP_EXCEPTION]: 'floating-point exception',
  [ExceptionClass.SERROR]: 'SError',
  [ExceptionClass.BREAKPOINT_LOWER]: 'breakpoint',
  [ExceptionClass.SOFTWARE_STEP_LOWER]: 'software step',
  [ExceptionClass.WATCHPOINT_LOWER]: 'watchpoint',
  [ExceptionClass.BRK64]: 'BRK instruction',
};

/** ESR_EL2.EC: bits 31:26. */
export function exceptionClass(esr: bigint): number {
  return Number((esr >> 26n) & 0x3fn);
}

/** ESR_EL2.IL: bit 25, set when the trapped instruction was 32 bits long. */
export function instructionIs32Bit(esr: bigint): boolean {
  return ((esr >> 25n) & 1n) === 1n;
}

/** ESR_EL2.ISS: bits 24:0. */
export function instructionSyndrome(esr: bigint): number {
  return Number(esr & 0x1ff_ffffn);
}

/** `0x24 (data abort from a lower EL)`: an exception class in words, for error reports. */
export function describeExceptionClass(ec: number): string {
  return `0x${ec.toString(16).padStart(2, '0')} (${CLASS_NAMES[ec] ?? 'reserved or unexpected'})`;
}

/** Whether a WFx trap's syndrome (EC 0x01) is for WFE (ISS.TI bit 0) rather than WFI. */
export function isWaitForEvent(esr: bigint): boolean {
  return (instructionSyndrome(esr) & 1) === 1;
}
