/**
 * PSTATE a vCPU starts in, as the arm64 Linux boot protocol and PSCI CPU_ON want it: EL1h
 * (M[3:0] = 0b0101) with D, A, I and F masked (bits 9:6) = 0x3c5 (Linux
 * `Documentation/arch/arm64/booting.rst`; KVM's PSTATE_FAULT_BITS_64).
 */
export const BOOT_CPSR = 0x3c5n;

/** CPSR M[3:0] for EL1 using SP_EL1 (EL1h). */
export const CPSR_MODE_EL1H = 0x5n;

/**
 * SCTLR_EL1 bits a starting CPU must have clear: M (bit 0, MMU), C (bit 2, data cache) and
 * I (bit 12, instruction cache). PSCI CPU_ON enters with the MMU and caches off.
 */
export const SCTLR_MMU_AND_CACHES = (1n << 0n) | (1n << 2n) | (1n << 12n);
