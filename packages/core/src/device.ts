/**
 * A device register window on a bus. `offset` is relative to the base address the device was
 * registered at; `data` holds the bytes of one access (1, 2, 4 or 8 of them, little-endian).
 * A read fills `data`; a write consumes it. Devices never see absolute addresses, so the
 * same device can sit anywhere.
 */
export interface BusDevice {
  /** Handles a guest read of `data.length` bytes at `offset`; fills `data`. */
  read(offset: number, data: Uint8Array): void;
  /** Handles a guest write of `data` at `offset`. */
  write(offset: number, data: Uint8Array): void;
}

/** A device reached through x86 port I/O (`in`/`out`). */
export interface PioDevice extends BusDevice {
  /**
   * Handles `data.length / size` guest writes of `size` bytes each to `offset`, oldest first,
   * as a string `out` (`rep outs`) or a run of writes the hypervisor buffered makes them. A
   * device implements it when it can take such a run at once (a UART's transmit register).
   * Returns false when it does not take this run; then, as without the method, the bus calls
   * `write` once per access.
   */
  writeRepeated?(offset: number, size: 1 | 2 | 4, data: Uint8Array): boolean;
}

/** A device reached through memory-mapped I/O (guest accesses that fault out of RAM). */
export type MmioDevice = BusDevice;
