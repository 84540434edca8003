/**
 * The vGICv3 device's type and attributes (`include/uapi/linux/kvm.h`,
 * `arch/arm64/include/uapi/asm/kvm.h`, `Documentation/virt/kvm/devices/arm-vgic-v3.rst`).
 */

/** `KVM_DEV_TYPE_ARM_VGIC_V3`: the device type KVM_CREATE_DEVICE makes a GICv3 from. */
export const KVM_DEV_TYPE_ARM_VGIC_V3 = 7;
/** Attribute group: guest physical addresses of the GIC's register frames (`__u64` values). */
export const KVM_DEV_ARM_VGIC_GRP_ADDR = 0;
/** `KVM_DEV_ARM_VGIC_GRP_ADDR` attribute: the distributor's base (64 KiB aligned, 64 KiB). */
export const KVM_VGIC_V3_ADDR_TYPE_DIST = 2n;
/**
 * `KVM_DEV_ARM_VGIC_GRP_ADDR` attribute: the first redistributor's base (64 KiB aligned);
 * two 64 KiB frames per vCPU follow it contiguously.
 */
export const KVM_VGIC_V3_ADDR_TYPE_REDIST = 3n;
/** Attribute group: the number of interrupts (SGIs + PPIs + SPIs), a `__u32` value. */
export const KVM_DEV_ARM_VGIC_GRP_NR_IRQS = 3;
/** Attribute group: control operations. */
export const KVM_DEV_ARM_VGIC_GRP_CTRL = 4;
/**
 * `KVM_DEV_ARM_VGIC_GRP_CTRL` attribute: initialise the vGIC. Takes no value. Must come after
 * every vCPU exists (later KVM_CREATE_VCPU calls fail with EBUSY) and, for a GICv3, before
 * any vCPU runs: KVM initialises only a GICv2 lazily, and KVM_RUN fails until a GICv3 is
 * initialised. Calling it again is harmless.
 */
export const KVM_DEV_ARM_VGIC_CTRL_INIT = 0n;
