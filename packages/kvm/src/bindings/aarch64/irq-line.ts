/**
 * The arm64 encoding of `kvm_irq_level.irq` for KVM_IRQ_LINE (`Documentation/virt/kvm/api.rst`,
 * `arch/arm64/include/uapi/asm/kvm.h`): bits 31-28 vcpu2_index, 27-24 irq_type,
 * 23-16 vcpu_index, 15-0 irq_id.
 */

/** `KVM_ARM_IRQ_TYPE_SHIFT`: where the interrupt type sits. */
export const KVM_ARM_IRQ_TYPE_SHIFT = 24;
/** `KVM_ARM_IRQ_TYPE_CPU`: the vCPU's IRQ or FIQ pin, for a userspace interrupt controller. */
export const KVM_ARM_IRQ_TYPE_CPU = 0;
/** `KVM_ARM_IRQ_TYPE_SPI`: a shared peripheral interrupt of the in-kernel GIC (irq_id 32..1019). */
export const KVM_ARM_IRQ_TYPE_SPI = 1;
/** `KVM_ARM_IRQ_TYPE_PPI`: a private peripheral interrupt of one vCPU (irq_id 16..31). */
export const KVM_ARM_IRQ_TYPE_PPI = 2;
/** INTID of the first SPI: INTIDs 0-15 are SGIs and 16-31 PPIs. */
export const GIC_SPI_BASE = 32;

/** `kvm_irq_level.irq` for the in-kernel GIC's interrupt `intid` (an SPI: the vCPU fields are 0). */
export function spiIrqLine(intid: number): number {
  return ((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | intid) >>> 0;
}
