/**
 * arm64 register ids for KVM_GET_ONE_REG / KVM_SET_ONE_REG, encoded the way
 * `arch/arm64/include/uapi/asm/kvm.h` and `include/uapi/linux/kvm.h` define them. The values
 * are checked against the headers in `test/aarch64-bindings.test.ts`.
 */

/** `KVM_REG_ARM64`: the register belongs to an arm64 vCPU. */
export const KVM_REG_ARM64 = 0x6000_0000_0000_0000n;
/** `KVM_REG_SIZE_U64`: the register is 64 bits wide. */
export const KVM_REG_SIZE_U64 = 0x0030_0000_0000_0000n;
/** `KVM_REG_ARM_CORE`: a field of `struct kvm_regs`, numbered by its offset in 32-bit words. */
export const KVM_REG_ARM_CORE = 0x0010_0000n;
/** `KVM_REG_ARM64_SYSREG`: a system register, numbered by its op0/op1/CRn/CRm/op2 encoding. */
export const KVM_REG_ARM64_SYSREG = 0x0013_0000n;

/** Byte offsets in arm64 `struct kvm_regs` of the fields the backend reads and writes. */
export const KVM_ARM64_REGS_LAYOUT = {
  /** `regs.regs[31]`: X0..X30, 8 bytes apart. */
  x0: 0,
  /** `regs.sp`: SP_EL0. */
  sp: 248,
  /** `regs.pc`. */
  pc: 256,
  /** `regs.pstate`: the saved PSTATE (SPSR layout: mode, DAIF, NZCV ...). */
  pstate: 264,
  /** `sp_el1`: the stack pointer of EL1h, where the kernel runs. */
  spEl1: 272,
} as const;

/** The id of the 64-bit core register at byte `offset` of `struct kvm_regs`. */
export function coreRegisterId(offset: number): bigint {
  if (!Number.isInteger(offset) || offset < 0 || offset % 4 !== 0) {
    throw new RangeError(`kvm_regs offset ${offset} is not a whole number of 32-bit words`);
  }
  return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | BigInt(offset / 4);
}

/**
 * The id of the system register with encoding `op0, op1, CRn, CRm, op2` (the operands of
 * its `mrs`/`msr` instruction), as `ARM64_SYS_REG` builds it.
 */
export function systemRegisterId(
  op0: number,
  op1: number,
  crn: number,
  crm: number,
  op2: number,
): bigint {
  const encoding = (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
  return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | BigInt(encoding);
}

/** The id of general-purpose register Xn (0 to 30). */
export function xRegisterId(n: number): bigint {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`there is no register X${n}`);
  return coreRegisterId(KVM_ARM64_REGS_LAYOUT.x0 + 8 * n);
}

/** Register ids of the arm64 registers the backend uses. */
export const Arm64Register = {
  /** X0: the device tree's address at Linux entry. */
  X0: xRegisterId(0),
  /** SP_EL0 (`regs.sp`). */
  SP: coreRegisterId(KVM_ARM64_REGS_LAYOUT.sp),
  /** The program counter. */
  PC: coreRegisterId(KVM_ARM64_REGS_LAYOUT.pc),
  /** PSTATE. */
  PSTATE: coreRegisterId(KVM_ARM64_REGS_LAYOUT.pstate),
  /** SP_EL1. */
  SP_EL1: coreRegisterId(KVM_ARM64_REGS_LAYOUT.spEl1),
  /** MPIDR_EL1 (op0 3, op1 0, CRn 0, CRm 0, op2 5): the vCPU's affinity, read-only to the guest. */
  MPIDR_EL1: systemRegisterId(3, 0, 0, 0, 5),
} as const;
