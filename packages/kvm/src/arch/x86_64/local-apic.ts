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

/** `IA32_APIC_BASE`: the local APIC's base address and mode. */
export const MSR_IA32_APIC_BASE = 0x1b;
/** The local APIC's architectural MMIO base. */
const APIC_DEFAULT_BASE = 0xfee0_0000n;
/** `IA32_APIC_BASE` bit 8: this is the bootstrap processor. */
const APIC_BASE_BSP = 1n << 8n;
/** `IA32_APIC_BASE` bit 10 (EXTD): x2APIC mode. */
const APIC_BASE_X2APIC = 1n << 10n;
/** `IA32_APIC_BASE` bit 11: the local APIC is enabled. */
const APIC_BASE_ENABLE = 1n << 11n;

/**
 * The `IA32_APIC_BASE` value of vCPU `vcpuId` with its local APIC already in x2APIC mode, as
 * firmware may leave it: enabled, x2APIC, and the BSP bit on vCPU 0. Linux then keeps x2APIC
 * from its first instruction ("x2apic: enabled by BIOS") and reaches its local APIC through
 * MSRs only, never through the MMIO page, whose every access the hypervisor must decode and
 * emulate.
 */
export function x2apicBase(vcpuId: number): bigint {
  const bsp = vcpuId === 0 ? APIC_BASE_BSP : 0n;
  return APIC_DEFAULT_BASE | APIC_BASE_ENABLE | APIC_BASE_X2APIC | bsp;
}
