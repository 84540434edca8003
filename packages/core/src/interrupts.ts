/**
 * One interrupt input of the guest's interrupt controller, as a device sees it. Devices are
 * handed a line at construction and never learn which controller is behind it.
 */
export interface InterruptLine {
  /** Drives a level-triggered line high (`true`) or low (`false`). */
  setLevel(asserted: boolean): void;
  /**
   * Signals one edge, as an ISA device's edge-triggered interrupt, that the guest takes after
   * this call began, even while another thread pulses the same line (see {@link interruptLine}).
   */
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

/**
 * The {@link InterruptLine} for input `line` of `controller`.
 *
 * Its `pulse` is lower, raise, lower. Every thread that drives a line shares one level of it:
 * KVM_IRQ_LINE counts all of userspace as one source. An edge-triggered input (the IOAPIC's,
 * the PIC's) fires when that level rises, and a raise that finds it already high is merged
 * into the edge before it. A bare raise-then-lower that lands between another thread's raise
 * and lower is such a merge: the guest may already have handled that other edge, before the
 * state this pulse announces existed, and then never hears of it. With 2 vCPUs that lost a
 * console keystroke in 2 of 19 `smp-interactive` runs (tools/e2e). Lowering first
 * ends any other thread's raise, so this pulse's raise starts a new edge. If yet another
 * raise lands between the lower and the raise, it comes after the lower and so after
 * whatever the caller changed before pulsing, and the guest takes that edge after it too.
 */
export function interruptLine(controller: InterruptController, line: number): InterruptLine {
  return {
    setLevel: (asserted) => controller.setLevel(line, asserted),
    pulse: () => {
      controller.setLevel(line, false);
      controller.setLevel(line, true);
      controller.setLevel(line, false);
    },
  };
}
