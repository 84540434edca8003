/**
 * A port I/O exit (x86 `in`/`out`, including `rep ins`/`rep outs`). `data` is a view into the
 * backend's exit page holding `size * count` bytes: for `out` the bytes the guest wrote; for
 * `in` the handler fills it and the backend hands it to the guest on the next run.
 */
export interface IoExit {
  /** Discriminant. */
  readonly kind: 'io';
  /** `in` (guest reads) or `out` (guest writes). */
  readonly direction: 'in' | 'out';
  /** The port number (0..0xffff). */
  readonly port: number;
  /** Bytes per access. */
  readonly size: 1 | 2 | 4;
  /** Number of accesses (more than 1 for string I/O). */
  readonly count: number;
  /** The access bytes, `size * count` long. */
  readonly data: Uint8Array;
}

/**
 * A memory-mapped I/O exit: a guest access to a physical address outside RAM. For reads the
 * handler fills `data` and the backend completes the load on the next run.
 */
export interface MmioExit {
  /** Discriminant. */
  readonly kind: 'mmio';
  /** Whether the guest stored (true) or loaded (false). */
  readonly isWrite: boolean;
  /** Guest physical address of the access. */
  readonly address: bigint;
  /** The access bytes (1, 2, 4 or 8 of them). */
  readonly data: Uint8Array;
}

/** The vCPU executed `hlt` with nothing left to wake it (no in-kernel irqchip to wait on). */
export interface HltExit {
  /** Discriminant. */
  readonly kind: 'hlt';
}

/** x86 shutdown: the guest triple-faulted (or asked for a shutdown cycle). */
export interface ShutdownExit {
  /** Discriminant. */
  readonly kind: 'shutdown';
}

/** The guest asked the platform to power off, reset or report a crash (PSCI, ACPI). */
export interface SystemEventExit {
  /** Discriminant. */
  readonly kind: 'system-event';
  /** What the guest asked for. */
  readonly event: 'power-off' | 'reset' | 'crash';
}

/**
 * The hypervisor could not continue the guest (KVM_EXIT_INTERNAL_ERROR: typically an
 * instruction the host could not emulate). Carries everything needed for a useful report.
 */
export interface InternalErrorExit {
  /** Discriminant. */
  readonly kind: 'internal-error';
  /** The backend's sub-error code (KVM_INTERNAL_ERROR_*). */
  readonly suberror: number;
  /** The sub-error in words. */
  readonly description: string;
  /** The extra words the backend supplied (for emulation failures: instruction bytes etc.). */
  readonly data: readonly bigint[];
  /**
   * The code bytes at the instruction the hypervisor could not emulate, when it reports them:
   * that instruction first (KVM gives the whole 15-byte fetch window, so later ones may follow).
   */
  readonly instructionBytes?: Uint8Array;
}

/** The hardware refused to enter the guest (bad guest state). */
export interface FailEntryExit {
  /** Discriminant. */
  readonly kind: 'fail-entry';
  /** The hardware's reason code (VMX exit reason / SVM exit code). */
  readonly hardwareReason: bigint;
}

/** The run was interrupted from outside (a signal or a stop request), not by the guest. */
export interface InterruptedExit {
  /** Discriminant. */
  readonly kind: 'interrupted';
}

/** An exit the backend does not decode; carried so it can be reported, never ignored. */
export interface UnknownExit {
  /** Discriminant. */
  readonly kind: 'unknown';
  /** The backend's raw exit reason number. */
  readonly reason: number;
  /** The backend's name for it, when it has one. */
  readonly name: string;
}

/**
 * Why a vCPU came back from running the guest. Both backends produce it and
 * `@vmm/machine` consumes it: I/O exits go to the buses, the rest end or pause the vCPU.
 */
export type VmExit =
  | IoExit
  | MmioExit
  | HltExit
  | ShutdownExit
  | SystemEventExit
  | InternalErrorExit
  | FailEntryExit
  | InterruptedExit
  | UnknownExit;
