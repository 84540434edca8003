import { VmmError, aarch64Layout, hex } from '@vmm/core';
import { GIC_SPI_BASE, spiIrqLine } from '../../bindings/aarch64/irq-line.js';
import {
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_DEV_TYPE_ARM_VGIC_V3,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
} from '../../bindings/aarch64/vgic-v3.js';
import type { KvmDevice } from '../../kvm-device.js';
import type { KvmVirt } from '../../kvm-virt.js';

/**
 * Interrupts the vGIC is sized for (KVM_DEV_ARM_VGIC_GRP_NR_IRQS): 16 SGIs, 16 PPIs and 224
 * SPIs, INTIDs 0 to 255, as the hvp backend's GIC has them.
 */
export const VGIC_NR_IRQS = 256;
/** SPIs the vGIC has: `InterruptController` lines 0 to 223. */
export const VGIC_SPI_COUNT = VGIC_NR_IRQS - GIC_SPI_BASE;

/**
 * Creates the VM's vGICv3 (KVM_CREATE_DEVICE), places its distributor and redistributors
 * where `aarch64Layout` says (KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR), sizes it to
 * {@link VGIC_NR_IRQS} and initialises it (KVM_DEV_ARM_VGIC_CTRL_INIT).
 *
 * The initialisation must see every vCPU: KVM sizes the redistributors from the vCPUs that
 * exist, refuses KVM_CREATE_VCPU once the vGIC is initialised, and (for a GICv3, unlike a
 * GICv2) never initialises it by itself, so KVM_RUN fails until it is done. The arm64 VM
 * therefore creates all its vCPUs at `KvmVirt.create`, before this runs, and
 * `createIrqChip` must come before any vCPU runs.
 */
export function createVgicV3(virt: KvmVirt): KvmDevice {
  const gic = virt.createDevice(
    KVM_DEV_TYPE_ARM_VGIC_V3,
    'vGICv3: it needs a host GICv3 (GICv2-only hosts have none) and must come before any vCPU runs',
  );
  gic.setAttr({
    group: KVM_DEV_ARM_VGIC_GRP_ADDR,
    attr: KVM_VGIC_V3_ADDR_TYPE_DIST,
    value: u64(aarch64Layout.GIC_DISTRIBUTOR),
    description: `vGICv3 distributor at ${hex(aarch64Layout.GIC_DISTRIBUTOR)}`,
  });
  gic.setAttr({
    group: KVM_DEV_ARM_VGIC_GRP_ADDR,
    attr: KVM_VGIC_V3_ADDR_TYPE_REDIST,
    value: u64(aarch64Layout.GIC_REDISTRIBUTOR),
    description: `vGICv3 redistributors at ${hex(aarch64Layout.GIC_REDISTRIBUTOR)}`,
  });
  gic.setAttr({
    group: KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
    attr: 0n,
    value: u32(VGIC_NR_IRQS),
    description: `vGICv3 with ${VGIC_NR_IRQS} interrupts`,
  });
  gic.setAttr({
    group: KVM_DEV_ARM_VGIC_GRP_CTRL,
    attr: KVM_DEV_ARM_VGIC_CTRL_INIT,
    description:
      `vGICv3 initialisation for ${virt.vcpuCount} vCPUs ` +
      '(call createIrqChip once, before any vCPU runs)',
  });
  return gic;
}

/**
 * The KVM_IRQ_LINE `irq` for `InterruptController` line `line`, which is an SPI index: INTID
 * 32 + `line`, type KVM_ARM_IRQ_TYPE_SPI (1) in bits 27-24, vCPU fields 0 (SPIs are routed by
 * the GIC). Throws a {@link VmmError} for a line outside 0 to {@link VGIC_SPI_COUNT} - 1.
 */
export function vgicSpiIrqLine(line: number): number {
  if (!Number.isInteger(line) || line < 0 || line >= VGIC_SPI_COUNT) {
    throw new VmmError(
      `interrupt line ${line} is not an SPI of the vGIC: lines are SPI indexes 0 to ` +
        `${VGIC_SPI_COUNT - 1} (INTIDs ${GIC_SPI_BASE} to ${VGIC_NR_IRQS - 1})`,
    );
  }
  return spiIrqLine(GIC_SPI_BASE + line);
}

function u64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}
