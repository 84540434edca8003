import type { KvmLapicState } from '../../bindings/x86_64/kvm-lapic-state.js';

/** Local APIC register offset of LVT LINT0. */
export const APIC_LVT_LINT0 = 0x350;
/** Local APIC register offset of LVT LINT1. */
export const APIC_LVT_LINT1 = 0x360;
/** LVT delivery mode ExtINT: the input is wired to the 8259 PIC's INTR. */
export const APIC_DELIVERY_MODE_EXTINT = 0x7;
/** LVT delivery mode NMI. */
export const APIC_DELIVERY_MODE_NMI = 0x4;
/** LVT bits 10:8 hold the delivery mode. */
const DELIVERY_MODE_SHIFT = 8;
const DELIVERY_MODE_MASK = 0x7 << DELIVERY_MODE_SHIFT;

/** The LVT register value `lvt` with its delivery mode replaced by `mode`. */
export function withDeliveryMode(lvt: number, mode: number): number {
  return ((lvt & ~DELIVERY_MODE_MASK) | (mode << DELIVERY_MODE_SHIFT)) >>> 0;
}

/**
 * Wires the local APIC's LINT pins as on a PC (and as Firecracker does): LINT0 receives the
 * PIC's interrupts (ExtINT), LINT1 receives NMIs. Modifies `lapic`.
 */
export function wireLintPins(lapic: KvmLapicState): void {
  lapic.setRegister(
    APIC_LVT_LINT0,
    withDeliveryMode(lapic.getRegister(APIC_LVT_LINT0), APIC_DELIVERY_MODE_EXTINT),
  );
  lapic.setRegister(
    APIC_LVT_LINT1,
    withDeliveryMode(lapic.getRegister(APIC_LVT_LINT1), APIC_DELIVERY_MODE_NMI),
  );
}
