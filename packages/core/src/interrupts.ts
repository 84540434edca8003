/**
 * One interrupt input of the guest's interrupt controller, as a device sees it. Devices are
 * handed a line at construction and never learn which controller is behind it.
 */
export interface InterruptLine {
  /** Drives a level-triggered line high (`true`) or low (`false`). */
  setLevel(asserted: boolean): void;
  /** Signals one edge: raise then lower, as an ISA device's edge-triggered interrupt. */
  pulse(): void;
}

/**
 * The guest's interrupt controller as the VMM drives it (x86: the in-kernel PIC/IOAPIC,
 * numbered by GSI; aarch64: the GIC, numbered by SPI index, INTID = 32 + index).
 */
export interface InterruptController {
  /** Sets the level of interrupt input `line`. Safe to call from any thread. */
  setLevel(line: number, asserted: boolean): void;
}

/** The {@link InterruptLine} for input `line` of `controller`. */
export function interruptLine(controller: InterruptController, line: number): InterruptLine {
  return {
    setLevel: (asserted) => controller.setLevel(line, asserted),
    pulse: () => {
      controller.setLevel(line, true);
      controller.setLevel(line, false);
    },
  };
}
