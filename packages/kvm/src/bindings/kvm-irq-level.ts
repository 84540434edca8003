/** Byte offsets in `struct kvm_irq_level` (KVM_IRQ_LINE). */
export const KVM_IRQ_LEVEL_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 8,
  /** `__u32 irq`: the GSI (x86) or the encoded interrupt number (arm64). */
  irq: 0,
  /** `__u32 level`: 1 asserted, 0 deasserted. */
  level: 4,
} as const;

/** A reusable `struct kvm_irq_level`, so raising a line allocates nothing. */
export class KvmIrqLevel {
  /** The struct's bytes, passed to KVM_IRQ_LINE. */
  readonly bytes = new Uint8Array(KVM_IRQ_LEVEL_LAYOUT.size);
  readonly #view = new DataView(this.bytes.buffer);

  /** Fills in interrupt `irq` at `level` (asserted or not). */
  set(irq: number, level: boolean): void {
    this.#view.setUint32(KVM_IRQ_LEVEL_LAYOUT.irq, irq, true);
    this.#view.setUint32(KVM_IRQ_LEVEL_LAYOUT.level, level ? 1 : 0, true);
  }
}
