/**
 * aarch64 guest physical memory layout: devices low, the GIC in the middle, RAM from 1 GiB.
 * The kernel is loaded at {@link RAM_BASE}, the device tree {@link KERNEL_MAX} above it, and
 * the initrd 2 MiB above the device tree.
 */

/** Start of the MMIO device window (the PL011 sits at its base). */
export const MMIO_START = 0x0900_0000n;
/** Length of the MMIO device window, up to the GIC. */
export const MMIO_LEN = 0x2700_0000n;
/** The PL011 UART's registers: the first device of the MMIO window. */
export const PL011_START = MMIO_START;
/** Size of the PL011 register window. */
export const PL011_SIZE = 0x1000n;
/** SPI index (INTID - 32) of the PL011. */
export const PL011_SPI = 1;
/** Where MMIO devices after the PL011 (virtio-mmio) are placed, one slot each. */
export const DEVICE_MMIO_START = MMIO_START + 0x1000n;
/** Size of each MMIO device slot. */
export const DEVICE_MMIO_SLOT_SIZE = 0x1000n;
/** GICv3 distributor. */
export const GIC_DISTRIBUTOR = 0x3000_0000n;
/** Size of the GICv3 distributor. */
export const GIC_DISTRIBUTOR_SIZE = 0x1_0000n;
/** First GICv3 redistributor; one {@link GIC_REDISTRIBUTOR_SIZE_PER_CPU} frame pair per vCPU. */
export const GIC_REDISTRIBUTOR = 0x3001_0000n;
/** Size of one vCPU's redistributor (RD_base + SGI_base frames). */
export const GIC_REDISTRIBUTOR_SIZE_PER_CPU = 0x2_0000n;
/** GIC MSI region (ITS / MSI frame). */
export const GIC_MSI = 0x3a00_0000n;
/** First byte of guest RAM. */
export const RAM_BASE = 0x4000_0000n;
/** Room for the kernel image between {@link RAM_BASE} and {@link DTB_START}: 64 MiB. */
export const KERNEL_MAX = 0x400_0000n;
/** Where the flattened device tree is written. */
export const DTB_START = 0x4400_0000n;
/** Room for the device tree: 2 MiB (the arm64 boot protocol's limit). */
export const DTB_MAX = 0x20_0000n;
/** Where the initrd is loaded. */
export const INITRD_START = 0x4420_0000n;
