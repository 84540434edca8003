import type { InterruptController } from '@vmm/core';
import { KVM_IRQ_LINE } from './bindings/ioctl-numbers.js';
import { KvmIrqLevel } from './bindings/kvm-irq-level.js';
import { KvmError } from './kvm-error.js';
import { libc, type Libc } from './libc.js';

/**
 * The in-kernel interrupt controller of a VM, driven with KVM_IRQ_LINE. On x86 `line` is a
 * GSI: 0-15 reach both the PIC pair and the IOAPIC, 16-23 the IOAPIC. On arm64 `line` is an
 * SPI index of the vGICv3, 0-223: KVM_IRQ_LINE gets `irq = (KVM_ARM_IRQ_TYPE_SPI << 24) |
 * (32 + line)` (INTID 32 + line; the vCPU fields stay 0, the GIC routes SPIs itself). Needs
 * the irqchip (`KvmVirt.createIrqChip`); without it KVM_IRQ_LINE fails with ENXIO.
 */
export class KvmInterruptController implements InterruptController {
  readonly #libc: Libc = libc();
  readonly #level = new KvmIrqLevel();
  readonly #irqLine: (line: number) => number;

  /**
   * Drives the interrupt inputs of the VM behind `vmFd`; `irqLine` turns a line into the
   * `kvm_irq_level.irq` KVM takes (by default the line itself, as on x86), throwing for a line
   * the controller lacks.
   */
  constructor(
    /** The VM file descriptor. */
    readonly vmFd: number,
    irqLine: (line: number) => number = (line) => line,
  ) {
    this.#irqLine = irqLine;
  }

  /** KVM_IRQ_LINE: sets input `line` high or low. */
  setLevel(line: number, asserted: boolean): void {
    this.#level.set(this.#irqLine(line), asserted);
    if (this.#libc.ioctlBuffer(this.vmFd, KVM_IRQ_LINE, this.#level.bytes) < 0) {
      throw new KvmError('KVM_IRQ_LINE', this.#libc.errno(), `interrupt line ${line}`);
    }
  }
}
