/** arm64 PSTATE (SPSR layout) bits the boot code sets (`arch/arm64/include/uapi/asm/ptrace.h`). */

/** M[3:0] = 0b0101, EL1h: exception level 1 on its own stack pointer, SP_EL1. */
export const PSR_MODE_EL1H = 0x5n;
/** F: FIQs masked. */
export const PSR_F_BIT = 0x40n;
/** I: IRQs masked. */
export const PSR_I_BIT = 0x80n;
/** A: SErrors masked. */
export const PSR_A_BIT = 0x100n;
/** D: debug exceptions masked. */
export const PSR_D_BIT = 0x200n;
/** PSTATE at Linux entry: EL1h with D, A, I and F masked (0x3c5, the arm64 boot protocol's). */
export const BOOT_PSTATE = PSR_MODE_EL1H | PSR_F_BIT | PSR_I_BIT | PSR_A_BIT | PSR_D_BIT;
