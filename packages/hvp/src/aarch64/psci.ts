/**
 * PSCI (Arm DEN 0022, Power State Coordination Interface) function IDs and return codes, as
 * Linux spells them in `include/uapi/linux/psci.h`. 32-bit IDs are 0x8400_00nn; the 64-bit
 * (SMC64/HVC64) variants of calls that take addresses set bit 30: 0xC400_00nn.
 */
export const PsciFunction = {
  /** PSCI_VERSION: returns the implemented version (major << 16 | minor). */
  VERSION: 0x8400_0000,
  /** CPU_SUSPEND (32-bit). */
  CPU_SUSPEND: 0x8400_0001,
  /** CPU_SUSPEND (64-bit). */
  CPU_SUSPEND_64: 0xc400_0001,
  /** CPU_OFF: powers the calling CPU down; does not return on success. */
  CPU_OFF: 0x8400_0002,
  /** CPU_ON (32-bit): x1 target MPIDR, x2 entry point, x3 context id (passed in x0). */
  CPU_ON: 0x8400_0003,
  /** CPU_ON (64-bit). */
  CPU_ON_64: 0xc400_0003,
  /** AFFINITY_INFO (32-bit): x1 target affinity, x2 lowest affinity level. */
  AFFINITY_INFO: 0x8400_0004,
  /** AFFINITY_INFO (64-bit). */
  AFFINITY_INFO_64: 0xc400_0004,
  /** MIGRATE_INFO_TYPE: where a Trusted OS runs (vmm has none). */
  MIGRATE_INFO_TYPE: 0x8400_0006,
  /** SYSTEM_OFF: powers the machine off; does not return. */
  SYSTEM_OFF: 0x8400_0008,
  /** SYSTEM_RESET: resets the machine; does not return. */
  SYSTEM_RESET: 0x8400_0009,
  /** PSCI_FEATURES (PSCI 1.0): x1 a function ID; 0 if implemented, NOT_SUPPORTED if not. */
  FEATURES: 0x8400_000a,
} as const;

/** PSCI return codes (signed; written to x0 sign-extended to 64 bits). */
export const PsciReturn = {
  /** SUCCESS. */
  SUCCESS: 0,
  /** NOT_SUPPORTED: the function is not implemented (also the SMCCC answer to unknown IDs). */
  NOT_SUPPORTED: -1,
  /** INVALID_PARAMETERS: e.g. CPU_ON or AFFINITY_INFO naming a CPU that does not exist. */
  INVALID_PARAMETERS: -2,
  /** DENIED. */
  DENIED: -3,
  /** ALREADY_ON: CPU_ON for a CPU that is running. */
  ALREADY_ON: -4,
  /** ON_PENDING: CPU_ON for a CPU whose earlier CPU_ON has not completed. */
  ON_PENDING: -5,
} as const;

/** AFFINITY_INFO answers. */
export const PsciAffinityState = {
  /** The CPU is on. */
  ON: 0,
  /** The CPU is off. */
  OFF: 1,
  /** A CPU_ON for it is under way. */
  ON_PENDING: 2,
} as const;

/** The PSCI version vmm implements: 1.0 (major 1 << 16 | minor 0). */
export const PSCI_VERSION_1_0 = 0x1_0000;

/** MIGRATE_INFO_TYPE answer 2: no Trusted OS is present, so nothing needs migrating. */
export const PSCI_TOS_NOT_PRESENT_MP = 2;

/** The function IDs vmm implements (what PSCI_FEATURES reports as present). */
export const IMPLEMENTED_PSCI_FUNCTIONS: ReadonlySet<number> = new Set([
  PsciFunction.VERSION,
  PsciFunction.CPU_OFF,
  PsciFunction.CPU_ON,
  PsciFunction.CPU_ON_64,
  PsciFunction.AFFINITY_INFO,
  PsciFunction.AFFINITY_INFO_64,
  PsciFunction.MIGRATE_INFO_TYPE,
  PsciFunction.SYSTEM_OFF,
  PsciFunction.SYSTEM_RESET,
  PsciFunction.FEATURES,
]);
