/**
 * x86_64 entry in 64-bit long mode, as the Linux 64-bit boot protocol wants it: paging on
 * with identity-mapped page tables at `pageTables`, the flat GDT at `gdtBase` (code selector
 * 0x10, data 0x18), interrupts off, `rsi` = boot_params, `rip` = entry.
 */
export interface X86LongModeBootState {
  /** Discriminant. */
  readonly mode: 'x86_64-long';
  /** Guest physical address of the first instruction (rip). */
  readonly entry: bigint;
  /** Value for rsi: the zero page (boot_params) for Linux, anything for a test guest. */
  readonly bootParams: bigint;
  /** Guest physical address of the PML4 (cr3). */
  readonly pageTables: bigint;
  /** Guest physical address of the GDT. */
  readonly gdtBase: bigint;
  /** GDT limit (size in bytes minus one). */
  readonly gdtLimit: number;
  /** Initial stack pointer. */
  readonly stack: bigint;
}

/**
 * x86 entry in 16-bit real mode, for small hand-written guests: cs:ip is chosen so that
 * `cs * 16 + ip === entry`.
 */
export interface X86RealModeBootState {
  /** Discriminant. */
  readonly mode: 'x86-real';
  /** Guest physical address of the first instruction; below 1 MiB. */
  readonly entry: bigint;
}

/**
 * aarch64 entry as the arm64 Linux boot protocol wants it: EL1h with DAIF masked, MMU off,
 * x0 = the device tree's guest physical address.
 */
export interface Aarch64BootState {
  /** Discriminant. */
  readonly mode: 'aarch64';
  /** Guest physical address of the first instruction (pc). */
  readonly entry: bigint;
  /** Guest physical address of the flattened device tree (x0). */
  readonly deviceTree: bigint;
}

/**
 * Where and how the boot vCPU starts: what a boot loader returns and a backend applies.
 * `entry` is the start PC in every variant.
 */
export type BootState = X86LongModeBootState | X86RealModeBootState | Aarch64BootState;
