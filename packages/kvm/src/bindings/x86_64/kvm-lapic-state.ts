/** Layout of x86 `struct kvm_lapic_state` (KVM_GET_LAPIC / KVM_SET_LAPIC): the APIC page. */
export const KVM_LAPIC_STATE_LAYOUT = {
  /** Size of the struct in bytes: `char regs[1024]`, the first KiB of the APIC's registers. */
  size: 1024,
} as const;

/** x86 `struct kvm_lapic_state`: local APIC registers at their MMIO offsets. */
export class KvmLapicState {
  /** The struct's bytes, as KVM_GET_LAPIC fills them and KVM_SET_LAPIC reads them. */
  readonly bytes = new Uint8Array(KVM_LAPIC_STATE_LAYOUT.size);
  readonly #view = new DataView(this.bytes.buffer);

  /** Reads the 32-bit APIC register at byte `offset` (e.g. 0x350 for LVT LINT0). */
  getRegister(offset: number): number {
    return this.#view.getUint32(offset, true);
  }

  /** Writes the 32-bit APIC register at byte `offset`. */
  setRegister(offset: number, value: number): void {
    this.#view.setUint32(offset, value >>> 0, true);
  }
}
