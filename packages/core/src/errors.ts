/**
 * Base class of every error vmm raises on purpose. Its message is written for the person
 * running the VM: it says what went wrong and, where possible, what to do about it.
 */
export class VmmError extends Error {
  /** Creates the error; `options.cause` keeps the lower-level error that led to it. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A guest physical access fell outside guest RAM (or straddled a region's end). */
export class GuestMemoryError extends VmmError {
  /** Creates the error for an access of `length` bytes at guest physical `address`. */
  constructor(
    /** The guest physical address of the access. */
    readonly address: bigint,
    /** The number of bytes the access wanted. */
    readonly length: number,
  ) {
    super(
      `guest memory access of ${length} bytes at 0x${address.toString(16)} is outside guest RAM`,
    );
  }
}

/** Two devices were placed on overlapping ranges of the same bus. */
export class BusConflictError extends VmmError {}

/** A VM needs more memory slots than its hypervisor gives one VM. */
export class MemorySlotLimitError extends VmmError {
  /** Creates the error for a VM of `slots` memory slots on a hypervisor that gives `max`. */
  constructor(
    /** The slots the VM needs. */
    readonly slots: number,
    /** The most the hypervisor gives one VM. */
    readonly max: number,
  ) {
    super(
      `this VM's RAM needs ${slots} memory slots, and this host's hypervisor gives a VM ${max}`,
    );
  }
}
