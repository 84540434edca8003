/**
 * Sub-error codes of the `internal-error` exits the hvp backend produces when it cannot
 * continue a guest (`InternalErrorExit.suberror`; `data` holds ESR_EL2, FAR_EL2 and the IPA).
 */
export const HvpInternalError = {
  /**
   * A data abort outside RAM without a valid instruction syndrome (ISV = 0): the guest touched
   * MMIO with an instruction the hypervisor cannot emulate from the syndrome (LDP/STP, a
   * load/store with writeback, SIMD registers).
   */
  MMIO_WITHOUT_SYNDROME: 1,
  /** A data abort during a stage 1 page table walk: the guest's page tables are not in RAM. */
  PAGE_TABLE_WALK_ABORT: 2,
  /** An instruction fetch from an address that is not guest RAM. */
  INSTRUCTION_ABORT: 3,
  /** An exception class the backend does not handle (the description names it). */
  UNHANDLED_EXCEPTION: 4,
} as const;
