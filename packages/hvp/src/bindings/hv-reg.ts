/**
 * `hv_reg_t`: the general registers `hv_vcpu_get_reg`/`hv_vcpu_set_reg` address
 * (`<Hypervisor/hv_vcpu_types.h>`, `OS_ENUM(hv_reg, uint32_t, HV_REG_X0, …, HV_REG_CPSR)`):
 * X0..X30 are 0..30 in order, then PC, FPCR, FPSR and CPSR. SP is not among them: it is a
 * system register ({@link HvSysReg.SP_EL0}, {@link HvSysReg.SP_EL1}).
 */
export const HvReg = {
  /** HV_REG_X0 (X1..X30 follow as 1..30: use {@link hvRegX}). */
  X0: 0,
  /** HV_REG_X29, also HV_REG_FP (the frame pointer). */
  FP: 29,
  /** HV_REG_X30, also HV_REG_LR (the link register). */
  LR: 30,
  /** HV_REG_PC: the program counter. */
  PC: 31,
  /** HV_REG_FPCR: the floating-point control register. */
  FPCR: 32,
  /** HV_REG_FPSR: the floating-point status register. */
  FPSR: 33,
  /** HV_REG_CPSR: the guest PSTATE as SPSR-formatted bits (mode, DAIF, NZCV). */
  CPSR: 34,
} as const;

/** The `hv_reg_t` of general register Xn (n = 0..30). */
export function hvRegX(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) {
    throw new RangeError(`X${n} is not a general register (X0..X30; 31 is XZR or SP)`);
  }
  return HvReg.X0 + n;
}

/**
 * The `hv_sys_reg_t` value of a system register: Apple packs its MRS/MSR encoding as
 * `op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2` (bits 15:0; op0 is 2 or 3 so it fits).
 */
export function hvSysRegEncoding(
  op0: number,
  op1: number,
  crn: number,
  crm: number,
  op2: number,
): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

/**
 * `hv_sys_reg_t` values vmm uses (`<Hypervisor/hv_vcpu_types.h>`,
 * `OS_ENUM(hv_sys_reg, uint16_t, …)`); each comment gives op0, op1, CRn, CRm, op2.
 */
export const HvSysReg = {
  /** HV_SYS_REG_MDSCR_EL1 (2, 0, 0, 2, 2): monitor debug system control. */
  MDSCR_EL1: 0x8012,
  /** HV_SYS_REG_MIDR_EL1 (3, 0, 0, 0, 0): main ID register. */
  MIDR_EL1: 0xc000,
  /** HV_SYS_REG_MPIDR_EL1 (3, 0, 0, 0, 5): multiprocessor affinity (GIC routing, PSCI targets). */
  MPIDR_EL1: 0xc005,
  /** HV_SYS_REG_ID_AA64PFR0_EL1 (3, 0, 0, 4, 0): processor feature register 0. */
  ID_AA64PFR0_EL1: 0xc020,
  /** HV_SYS_REG_ID_AA64MMFR0_EL1 (3, 0, 0, 7, 0): memory model feature register 0. */
  ID_AA64MMFR0_EL1: 0xc038,
  /** HV_SYS_REG_SCTLR_EL1 (3, 0, 1, 0, 0): system control (MMU and cache enables). */
  SCTLR_EL1: 0xc080,
  /** HV_SYS_REG_CPACR_EL1 (3, 0, 1, 0, 2): FP/SIMD access control. */
  CPACR_EL1: 0xc082,
  /** HV_SYS_REG_TTBR0_EL1 (3, 0, 2, 0, 0): translation table base 0. */
  TTBR0_EL1: 0xc100,
  /** HV_SYS_REG_TTBR1_EL1 (3, 0, 2, 0, 1): translation table base 1. */
  TTBR1_EL1: 0xc101,
  /** HV_SYS_REG_TCR_EL1 (3, 0, 2, 0, 2): translation control. */
  TCR_EL1: 0xc102,
  /** HV_SYS_REG_SPSR_EL1 (3, 0, 4, 0, 0): saved PSTATE of the last exception taken to EL1. */
  SPSR_EL1: 0xc200,
  /** HV_SYS_REG_ELR_EL1 (3, 0, 4, 0, 1): return address of the last exception taken to EL1. */
  ELR_EL1: 0xc201,
  /** HV_SYS_REG_SP_EL0 (3, 0, 4, 1, 0): the EL0 stack pointer (SP in EL1t and EL0t). */
  SP_EL0: 0xc208,
  /** HV_SYS_REG_ESR_EL1 (3, 0, 5, 2, 0): syndrome of the last exception taken to EL1. */
  ESR_EL1: 0xc290,
  /** HV_SYS_REG_FAR_EL1 (3, 0, 6, 0, 0): fault address of the last exception taken to EL1. */
  FAR_EL1: 0xc300,
  /** HV_SYS_REG_MAIR_EL1 (3, 0, 10, 2, 0): memory attribute indirection. */
  MAIR_EL1: 0xc510,
  /** HV_SYS_REG_VBAR_EL1 (3, 0, 12, 0, 0): EL1 exception vector base. */
  VBAR_EL1: 0xc600,
  /** HV_SYS_REG_TPIDR_EL1 (3, 0, 13, 0, 4): EL1 software thread ID. */
  TPIDR_EL1: 0xc684,
  /** HV_SYS_REG_CNTKCTL_EL1 (3, 0, 14, 1, 0): EL0 timer access control. */
  CNTKCTL_EL1: 0xc708,
  /** HV_SYS_REG_TPIDR_EL0 (3, 3, 13, 0, 2): EL0 software thread ID. */
  TPIDR_EL0: 0xde82,
  /** HV_SYS_REG_CNTV_CTL_EL0 (3, 3, 14, 3, 1): virtual timer control (ENABLE, IMASK, ISTATUS). */
  CNTV_CTL_EL0: 0xdf19,
  /** HV_SYS_REG_CNTV_CVAL_EL0 (3, 3, 14, 3, 2): virtual timer compare value. */
  CNTV_CVAL_EL0: 0xdf1a,
  /** HV_SYS_REG_SP_EL1 (encoded as EL2's view, 3, 4, 4, 1, 0): the stack pointer in EL1h. */
  SP_EL1: 0xe208,
} as const;
