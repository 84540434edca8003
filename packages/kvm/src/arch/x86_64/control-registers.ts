/** x86 control-register and EFER bits the boot code sets (Intel SDM vol. 3A, 2.5 and 2.2.1). */

/** CR0.PE: protected mode. */
export const CR0_PE = 1n << 0n;
/** CR0.ET: extension type (hard-wired to 1 on modern CPUs). */
export const CR0_ET = 1n << 4n;
/** CR0.NW: not write-through (set at reset, with CD: caches off). */
export const CR0_NW = 1n << 29n;
/** CR0.CD: cache disable (set at reset). */
export const CR0_CD = 1n << 30n;
/** CR0.PG: paging. */
export const CR0_PG = 1n << 31n;
/** CR4.PAE: physical address extension (required for long mode). */
export const CR4_PAE = 1n << 5n;
/** EFER.LME: long mode enable. */
export const EFER_LME = 1n << 8n;
/** EFER.LMA: long mode active. */
export const EFER_LMA = 1n << 10n;
/** RFLAGS bit 1, which always reads as 1. */
export const RFLAGS_RESERVED = 0x2n;
