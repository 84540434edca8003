import { x86_64Layout } from '@vmm/core';
import { buildMadt, MADT_PCAT_COMPAT } from '../../acpi/madt.js';

/** Structure type 0: Processor Local APIC (8 bytes). */
const PROCESSOR_LOCAL_APIC = 0;
/** Structure type 1: I/O APIC (12 bytes). */
const IO_APIC = 1;
/** Structure type 4: Local APIC NMI (6 bytes). */
const LOCAL_APIC_NMI = 4;
/** Local APIC flags bit 0: the processor is enabled (usable at boot). */
const LOCAL_APIC_ENABLED = 1;
/**
 * The IOAPIC's id: 0, what KVM's in-kernel IOAPIC reports in its id register after reset
 * (QEMU, Firecracker and Cloud Hypervisor use 0 too). IOAPIC ids only need to be unique among
 * IOAPICs: Linux x86_64 checks them against each other, not against local APIC ids.
 */
const IOAPIC_ID = 0;
/** The IOAPIC's first Global System Interrupt: its pin n is GSI n. */
const IOAPIC_GSI_BASE = 0;
/** Processor UID 0xFF in a Local APIC NMI structure: every processor. */
const ALL_PROCESSORS = 0xff;
/** MPS INTI flags: active high (bits 1:0 = 01), edge triggered (bits 3:2 = 01). */
const ACTIVE_HIGH_EDGE = 0x0005;
/** The local APIC pin NMIs arrive on (KVM wires LINT1 for NMI delivery, as on a PC). */
const NMI_LINT = 1;

/** A Processor Local APIC structure for vCPU `index`: UID and APIC id both `index`, enabled. */
function processorLocalApic(index: number): Uint8Array {
  const bytes = Uint8Array.of(PROCESSOR_LOCAL_APIC, 8, index, index, 0, 0, 0, 0);
  new DataView(bytes.buffer).setUint32(4, LOCAL_APIC_ENABLED, true);
  return bytes;
}

/** The I/O APIC structure: id, reserved byte, 32-bit address, GSI base. */
function ioApic(): Uint8Array {
  const bytes = Uint8Array.of(IO_APIC, 12, IOAPIC_ID, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, Number(x86_64Layout.IOAPIC_START), true);
  view.setUint32(8, IOAPIC_GSI_BASE, true);
  return bytes;
}

/** The Local APIC NMI structure: NMIs reach LINT1 of every processor, active high, edge. */
function localApicNmi(): Uint8Array {
  const bytes = Uint8Array.of(LOCAL_APIC_NMI, 6, ALL_PROCESSORS, 0, 0, NMI_LINT);
  new DataView(bytes.buffer).setUint16(3, ACTIVE_HIGH_EDGE, true);
  return bytes;
}

/**
 * Builds the x86_64 MADT for `vcpus` vCPUs: local APIC at 0xFEE00000; PCAT_COMPAT set,
 * because KVM's in-kernel irqchip does include a dual 8259 PIC beside the IOAPIC (an OS that
 * switches to APIC mode must mask it); one enabled Processor Local APIC per vCPU with processor
 * UID = APIC id = vCPU index (KVM gives vCPU n APIC id n); the IOAPIC at 0xFEC00000 with GSI
 * base 0; and a Local APIC NMI on LINT1 for every processor.
 *
 * There is no Interrupt Source Override: vmm keeps KVM's default GSI routing, in which ISA IRQ
 * n (0..15) is GSI n on both the PIC and IOAPIC pin n, edge triggered and active high, which
 * is exactly what ACPI assumes without overrides. In particular the in-kernel PIT raises GSI 0,
 * so IOAPIC pin 0, not pin 2 as on boards (and QEMU's routing) with an IRQ0 -> GSI 2 override.
 */
export function buildX86Madt(vcpus: number): Uint8Array {
  const processors = Array.from({ length: vcpus }, (_, index) => processorLocalApic(index));
  return buildMadt(x86_64Layout.APIC_START, MADT_PCAT_COMPAT, [
    ...processors,
    ioApic(),
    localApicNmi(),
  ]);
}
