/**
 * Constants of Apple's Hypervisor.framework (arm64), with the header each value comes from.
 * Apple's SDK headers are mirrored by open bindings, e.g. Impalabs/applevisor
 * `applevisor-sys/src/lib.rs`; where a mirror and Apple's own header disagree, the header wins
 * and the comment says so.
 */

/** Where the framework's binary lives on every macOS that has it. */
export const HYPERVISOR_FRAMEWORK_PATH =
  '/System/Library/Frameworks/Hypervisor.framework/Hypervisor';

/**
 * The host page size on Apple silicon (16 KiB): `hv_vm_map` addresses and sizes must be
 * multiples of it (applevisor-sys `PAGE_SIZE = 0x4000`; `vm_page_size` on arm64 macOS).
 */
export const HV_PAGE_SIZE = 0x4000;

/**
 * `hv_return_t` codes (`<Hypervisor/hv_error.h>`: `err_common_hypervisor` = err_system(0x3e) |
 * err_sub(0xba5) = 0xfae94000, plus a small code). vmm handles them as unsigned 32-bit numbers.
 */
export const HvReturn = {
  /** HV_SUCCESS: the call succeeded. */
  SUCCESS: 0,
  /** HV_ERROR (0xfae94001): the call failed, no more precise reason. */
  ERROR: 0xfae9_4001,
  /** HV_BUSY (0xfae94002): the resource is busy, e.g. a second `hv_vm_create` in one process. */
  BUSY: 0xfae9_4002,
  /** HV_BAD_ARGUMENT (0xfae94003): an argument was invalid (alignment, range, NULL). */
  BAD_ARGUMENT: 0xfae9_4003,
  /** HV_ILLEGAL_GUEST_STATE (0xfae94004): the guest's register state cannot be entered. */
  ILLEGAL_GUEST_STATE: 0xfae9_4004,
  /** HV_NO_RESOURCES (0xfae94005): the host lacks the resources (memory, vCPU slots). */
  NO_RESOURCES: 0xfae9_4005,
  /** HV_NO_DEVICE (0xfae94006): no VM or vCPU to operate on. */
  NO_DEVICE: 0xfae9_4006,
  /** HV_DENIED (0xfae94007): the process lacks the `com.apple.security.hypervisor` entitlement. */
  DENIED: 0xfae9_4007,
  /** HV_FAULT (0xfae94008): a bad address was passed. */
  FAULT: 0xfae9_4008,
  /** HV_UNSUPPORTED (0xfae9400f): the operation is not supported on this host. */
  UNSUPPORTED: 0xfae9_400f,
} as const;

const RETURN_NAMES = new Map<number, string>(
  Object.entries(HvReturn).map(([name, value]) => [value, `HV_${name}`]),
);

/** The `HV_*` name of an `hv_return_t` (e.g. `HV_DENIED`), or `hv_return_t 0x…` if unknown. */
export function hvReturnName(status: number): string {
  const unsigned = status >>> 0;
  return RETURN_NAMES.get(unsigned) ?? `hv_return_t 0x${unsigned.toString(16)}`;
}

/** `hv_exit_reason_t` (`<Hypervisor/hv_vcpu_types.h>`, `OS_ENUM(hv_exit_reason, uint32_t, …)`). */
export const HvExitReason = {
  /** HV_EXIT_REASON_CANCELED: `hv_vcpus_exit` asked the vCPU to leave the guest. */
  CANCELED: 0,
  /** HV_EXIT_REASON_EXCEPTION: the guest trapped to EL2; the syndrome says why. */
  EXCEPTION: 1,
  /** HV_EXIT_REASON_VTIMER_ACTIVATED: the virtual timer fired; the framework masked it. */
  VTIMER_ACTIVATED: 2,
  /** HV_EXIT_REASON_UNKNOWN: the framework could not tell ("should not happen"). */
  UNKNOWN: 3,
} as const;

const EXIT_REASON_NAMES = new Map<number, string>(
  Object.entries(HvExitReason).map(([name, value]) => [value, `HV_EXIT_REASON_${name}`]),
);

/** The `HV_EXIT_REASON_*` name of an exit reason, or `hv_exit_reason_t N` if unknown. */
export function hvExitReasonName(reason: number): string {
  return EXIT_REASON_NAMES.get(reason) ?? `hv_exit_reason_t ${reason}`;
}

/** `hv_memory_flags_t` bits for `hv_vm_map` (`<Hypervisor/hv_vm_types.h>`). */
export const HvMemory = {
  /** HV_MEMORY_READ: the guest may read the region. */
  READ: 1 << 0,
  /** HV_MEMORY_WRITE: the guest may write the region. */
  WRITE: 1 << 1,
  /** HV_MEMORY_EXEC: the guest may execute from the region. */
  EXEC: 1 << 2,
} as const;

/**
 * `hv_interrupt_type_t` for `hv_vcpu_set_pending_interrupt` (`<Hypervisor/hv_vcpu_types.h>`:
 * `OS_ENUM(hv_interrupt_type, uint32_t, HV_INTERRUPT_TYPE_IRQ, HV_INTERRUPT_TYPE_FIQ)`, so IRQ
 * is 0). applevisor-sys and rust-vm list FIQ first (FIQ 0, IRQ 1); Apple's header is followed.
 */
export const HvInterruptType = {
  /** HV_INTERRUPT_TYPE_IRQ: an ordinary interrupt request. */
  IRQ: 0,
  /** HV_INTERRUPT_TYPE_FIQ: a fast interrupt request. */
  FIQ: 1,
} as const;

/**
 * `hv_gic_intid_t`: interrupts the framework's GIC reserves for itself
 * (`<Hypervisor/hv_gic_types.h>`, `OS_ENUM(hv_gic_intid, uint16_t, …)`, macOS 15).
 */
export const HvGicIntid = {
  /** HV_GIC_INT_PERFORMANCE_MONITOR: the PMU overflow PPI. */
  PERFORMANCE_MONITOR: 23,
  /** HV_GIC_INT_MAINTENANCE: the GIC maintenance PPI (only with EL2 enabled). */
  MAINTENANCE: 25,
  /** HV_GIC_INT_EL2_PHYSICAL_TIMER: the EL2 physical timer PPI (only with EL2 enabled). */
  EL2_PHYSICAL_TIMER: 26,
  /** HV_GIC_INT_EL1_VIRTUAL_TIMER: the EL1 virtual timer PPI, the one Linux uses. */
  EL1_VIRTUAL_TIMER: 27,
  /** HV_GIC_INT_EL1_PHYSICAL_TIMER: the EL1 physical timer PPI. */
  EL1_PHYSICAL_TIMER: 30,
} as const;

/**
 * `hv_gic_redistributor_reg_t` values vmm uses: each equals the register's offset in the GICv3
 * redistributor frames (`<Hypervisor/hv_gic_types.h>`; Arm IHI 0069 GICR_* offsets).
 */
export const HvGicRedistributorReg = {
  /** GICR_ISPENDR0 (SGI_base + 0x200): write 1s to make SGIs/PPIs pending. */
  ISPENDR0: 0x1_0200,
} as const;

/** The first SPI INTID: INTID = 32 + SPI index (Arm IHI 0069, interrupt ID ranges). */
export const GIC_SPI_BASE = 32;
