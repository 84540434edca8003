/**
 * KVM ioctl request numbers, computed the way `include/uapi/linux/kvm.h` defines them. The
 * struct sizes come from the layouts in this directory; the results are checked against the
 * literal values of the Linux headers in `test/bindings.test.ts`.
 */
import { _IO, _IOR, _IOW, _IOWR } from './ioctl-encoding.js';
import { KVM_COALESCED_MMIO_ZONE_LAYOUT } from './kvm-coalesced-mmio.js';
import { KVM_CREATE_DEVICE_LAYOUT } from './kvm-create-device.js';
import { KVM_DEVICE_ATTR_LAYOUT } from './kvm-device-attr.js';
import { KVM_IRQ_LEVEL_LAYOUT } from './kvm-irq-level.js';
import { KVM_ONE_REG_LAYOUT } from './kvm-one-reg.js';
import { KVM_SIGNAL_MASK_LAYOUT } from './kvm-signal-mask.js';
import { KVM_USERSPACE_MEMORY_REGION_LAYOUT } from './kvm-userspace-memory-region.js';
import { KVM_CPUID2_LAYOUT } from './x86_64/kvm-cpuid2.js';
import { KVM_FPU_LAYOUT } from './x86_64/kvm-fpu.js';
import { KVM_LAPIC_STATE_LAYOUT } from './x86_64/kvm-lapic-state.js';
import { KVM_MSRS_LAYOUT } from './x86_64/kvm-msrs.js';
import { KVM_PIT_CONFIG_LAYOUT } from './x86_64/kvm-pit-config.js';
import { KVM_REGS_LAYOUT } from './x86_64/kvm-regs.js';
import { KVM_SREGS_LAYOUT } from './x86_64/kvm-sregs.js';

/** The ioctl type byte of every KVM request. */
export const KVMIO = 0xae;

/** System ioctl: the KVM API version (must be 12). */
export const KVM_GET_API_VERSION = _IO(KVMIO, 0x00);
/** System ioctl: creates a VM and returns its file descriptor. */
export const KVM_CREATE_VM = _IO(KVMIO, 0x01);
/** System or VM ioctl: whether (or how much of) a capability `KVM_CAP_*` is available. */
export const KVM_CHECK_EXTENSION = _IO(KVMIO, 0x03);
/** System ioctl: the size of the `kvm_run` area to map from each vCPU fd. */
export const KVM_GET_VCPU_MMAP_SIZE = _IO(KVMIO, 0x04);
/** System ioctl (x86): the CPUID leaves KVM can expose (`struct kvm_cpuid2`). */
export const KVM_GET_SUPPORTED_CPUID = _IOWR(KVMIO, 0x05, KVM_CPUID2_LAYOUT.size);

/** VM ioctl: creates vCPU `arg` and returns its file descriptor. */
export const KVM_CREATE_VCPU = _IO(KVMIO, 0x41);
/** VM ioctl: maps host memory into guest physical memory (`struct kvm_userspace_memory_region`). */
export const KVM_SET_USER_MEMORY_REGION = _IOW(
  KVMIO,
  0x46,
  KVM_USERSPACE_MEMORY_REGION_LAYOUT.size,
);
/** VM ioctl (x86): guest address of the three pages Intel real-mode emulation uses for a TSS. */
export const KVM_SET_TSS_ADDR = _IO(KVMIO, 0x47);
/** VM ioctl (x86): guest address of the identity-map page for Intel real-mode emulation. */
export const KVM_SET_IDENTITY_MAP_ADDR = _IOW(KVMIO, 0x48, 8);
/** VM ioctl: creates the in-kernel interrupt controller (x86: PIC pair + IOAPIC + local APICs). */
export const KVM_CREATE_IRQCHIP = _IO(KVMIO, 0x60);
/** VM ioctl: sets the level of an interrupt input (`struct kvm_irq_level`). */
export const KVM_IRQ_LINE = _IOW(KVMIO, 0x61, KVM_IRQ_LEVEL_LAYOUT.size);
/** VM ioctl: makes guest writes to a zone append to the coalesced ring instead of exiting. */
export const KVM_REGISTER_COALESCED_MMIO = _IOW(KVMIO, 0x67, KVM_COALESCED_MMIO_ZONE_LAYOUT.size);
/** VM ioctl: removes a zone registered with {@link KVM_REGISTER_COALESCED_MMIO}. */
export const KVM_UNREGISTER_COALESCED_MMIO = _IOW(KVMIO, 0x68, KVM_COALESCED_MMIO_ZONE_LAYOUT.size);
/** VM ioctl (x86): creates the in-kernel i8254 PIT (`struct kvm_pit_config`). */
export const KVM_CREATE_PIT2 = _IOW(KVMIO, 0x77, KVM_PIT_CONFIG_LAYOUT.size);

/** vCPU ioctl: runs the guest until it exits to userspace. */
export const KVM_RUN = _IO(KVMIO, 0x80);
/** vCPU ioctl (x86): reads the general-purpose registers (`struct kvm_regs`). */
export const KVM_GET_REGS = _IOR(KVMIO, 0x81, KVM_REGS_LAYOUT.size);
/** vCPU ioctl (x86): writes the general-purpose registers (`struct kvm_regs`). */
export const KVM_SET_REGS = _IOW(KVMIO, 0x82, KVM_REGS_LAYOUT.size);
/** vCPU ioctl (x86): reads segment, descriptor-table and control registers (`struct kvm_sregs`). */
export const KVM_GET_SREGS = _IOR(KVMIO, 0x83, KVM_SREGS_LAYOUT.size);
/** vCPU ioctl (x86): writes segment, descriptor-table and control registers (`struct kvm_sregs`). */
export const KVM_SET_SREGS = _IOW(KVMIO, 0x84, KVM_SREGS_LAYOUT.size);
/** vCPU ioctl (x86): writes model-specific registers (`struct kvm_msrs`); returns how many were set. */
export const KVM_SET_MSRS = _IOW(KVMIO, 0x89, KVM_MSRS_LAYOUT.size);
/** vCPU ioctl (x86): writes the x87/SSE state (`struct kvm_fpu`). */
export const KVM_SET_FPU = _IOW(KVMIO, 0x8d, KVM_FPU_LAYOUT.size);
/** vCPU ioctl: the signal mask in force while KVM_RUN runs (`struct kvm_signal_mask`). */
export const KVM_SET_SIGNAL_MASK = _IOW(KVMIO, 0x8b, KVM_SIGNAL_MASK_LAYOUT.size);
/** vCPU ioctl (x86): reads the in-kernel local APIC's registers (`struct kvm_lapic_state`). */
export const KVM_GET_LAPIC = _IOR(KVMIO, 0x8e, KVM_LAPIC_STATE_LAYOUT.size);
/** vCPU ioctl (x86): writes the in-kernel local APIC's registers (`struct kvm_lapic_state`). */
export const KVM_SET_LAPIC = _IOW(KVMIO, 0x8f, KVM_LAPIC_STATE_LAYOUT.size);
/** vCPU ioctl (x86): sets the CPUID leaves the guest sees (`struct kvm_cpuid2`). */
export const KVM_SET_CPUID2 = _IOW(KVMIO, 0x90, KVM_CPUID2_LAYOUT.size);
/** vCPU ioctl: reads one register named by id (`struct kvm_one_reg`). */
export const KVM_GET_ONE_REG = _IOW(KVMIO, 0xab, KVM_ONE_REG_LAYOUT.size);
/** vCPU ioctl: writes one register named by id (`struct kvm_one_reg`). */
export const KVM_SET_ONE_REG = _IOW(KVMIO, 0xac, KVM_ONE_REG_LAYOUT.size);

/** VM ioctl: creates an in-kernel device and returns its fd in the struct (`struct kvm_create_device`). */
export const KVM_CREATE_DEVICE = _IOWR(KVMIO, 0xe0, KVM_CREATE_DEVICE_LAYOUT.size);
/** Device ioctl: sets a device attribute (`struct kvm_device_attr`). */
export const KVM_SET_DEVICE_ATTR = _IOW(KVMIO, 0xe1, KVM_DEVICE_ATTR_LAYOUT.size);
/** Device ioctl: whether the device has an attribute: 0 if so, else ENXIO (`struct kvm_device_attr`). */
export const KVM_HAS_DEVICE_ATTR = _IOW(KVMIO, 0xe3, KVM_DEVICE_ATTR_LAYOUT.size);
