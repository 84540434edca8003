/** Exit reasons (`KVM_EXIT_*`), sub-codes and their names, from `include/uapi/linux/kvm.h`. */

/** The guest did a port I/O access. */
export const KVM_EXIT_IO = 2;
/** The guest executed `hlt` and no in-kernel irqchip waits for it. */
export const KVM_EXIT_HLT = 5;
/** The guest accessed a physical address with no memory slot. */
export const KVM_EXIT_MMIO = 6;
/** x86 shutdown (triple fault). */
export const KVM_EXIT_SHUTDOWN = 8;
/** The hardware refused to enter the guest. */
export const KVM_EXIT_FAIL_ENTRY = 9;
/** KVM_RUN was interrupted by a signal. */
export const KVM_EXIT_INTR = 10;
/** KVM could not handle an exit itself (emulation failure and the like). */
export const KVM_EXIT_INTERNAL_ERROR = 17;
/** The guest asked for a platform event (power off, reset, crash). */
export const KVM_EXIT_SYSTEM_EVENT = 24;

/** `kvm_run.io.direction`: the guest reads (`in`). */
export const KVM_EXIT_IO_IN = 0;
/** `kvm_run.io.direction`: the guest writes (`out`). */
export const KVM_EXIT_IO_OUT = 1;

/** `kvm_run.system_event.type`: power off. */
export const KVM_SYSTEM_EVENT_SHUTDOWN = 1;
/** `kvm_run.system_event.type`: reset. */
export const KVM_SYSTEM_EVENT_RESET = 2;
/** `kvm_run.system_event.type`: the guest reports a crash. */
export const KVM_SYSTEM_EVENT_CRASH = 3;

/** Every `KVM_EXIT_*` name, indexed by its value (0 to 39). */
export const KVM_EXIT_NAMES: readonly string[] = [
  'KVM_EXIT_UNKNOWN',
  'KVM_EXIT_EXCEPTION',
  'KVM_EXIT_IO',
  'KVM_EXIT_HYPERCALL',
  'KVM_EXIT_DEBUG',
  'KVM_EXIT_HLT',
  'KVM_EXIT_MMIO',
  'KVM_EXIT_IRQ_WINDOW_OPEN',
  'KVM_EXIT_SHUTDOWN',
  'KVM_EXIT_FAIL_ENTRY',
  'KVM_EXIT_INTR',
  'KVM_EXIT_SET_TPR',
  'KVM_EXIT_TPR_ACCESS',
  'KVM_EXIT_S390_SIEIC',
  'KVM_EXIT_S390_RESET',
  'KVM_EXIT_DCR',
  'KVM_EXIT_NMI',
  'KVM_EXIT_INTERNAL_ERROR',
  'KVM_EXIT_OSI',
  'KVM_EXIT_PAPR_HCALL',
  'KVM_EXIT_S390_UCONTROL',
  'KVM_EXIT_WATCHDOG',
  'KVM_EXIT_S390_TSCH',
  'KVM_EXIT_EPR',
  'KVM_EXIT_SYSTEM_EVENT',
  'KVM_EXIT_S390_STSI',
  'KVM_EXIT_IOAPIC_EOI',
  'KVM_EXIT_HYPERV',
  'KVM_EXIT_ARM_NISV',
  'KVM_EXIT_X86_RDMSR',
  'KVM_EXIT_X86_WRMSR',
  'KVM_EXIT_DIRTY_RING_FULL',
  'KVM_EXIT_AP_RESET_HOLD',
  'KVM_EXIT_X86_BUS_LOCK',
  'KVM_EXIT_XEN',
  'KVM_EXIT_RISCV_SBI',
  'KVM_EXIT_RISCV_CSR',
  'KVM_EXIT_NOTIFY',
  'KVM_EXIT_LOONGARCH_IOCSR',
  'KVM_EXIT_MEMORY_FAULT',
];

/** The `KVM_EXIT_*` name of `reason`, or `KVM_EXIT_<number>` for one this table predates. */
export function kvmExitName(reason: number): string {
  return KVM_EXIT_NAMES[reason] ?? `KVM_EXIT_${reason}`;
}

const SYSTEM_EVENT_NAMES: ReadonlyMap<number, string> = new Map([
  [KVM_SYSTEM_EVENT_SHUTDOWN, 'KVM_SYSTEM_EVENT_SHUTDOWN'],
  [KVM_SYSTEM_EVENT_RESET, 'KVM_SYSTEM_EVENT_RESET'],
  [KVM_SYSTEM_EVENT_CRASH, 'KVM_SYSTEM_EVENT_CRASH'],
  [4, 'KVM_SYSTEM_EVENT_WAKEUP'],
  [5, 'KVM_SYSTEM_EVENT_SUSPEND'],
  [6, 'KVM_SYSTEM_EVENT_SEV_TERM'],
]);

/** The `KVM_SYSTEM_EVENT_*` name of `type`, or `KVM_SYSTEM_EVENT_<number>`. */
export function kvmSystemEventName(type: number): string {
  return SYSTEM_EVENT_NAMES.get(type) ?? `KVM_SYSTEM_EVENT_${type}`;
}

/** `KVM_INTERNAL_ERROR_EMULATION`: KVM could not emulate an instruction. */
export const KVM_INTERNAL_ERROR_EMULATION = 1;
/** `KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES`: `insn_size`/`insn_bytes` are valid. */
export const KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES = 1n;

const INTERNAL_ERROR_DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [1, 'emulation failure'],
  [2, 'exception while delivering an exception'],
  [3, 'failed to deliver an event'],
  [4, 'unexpected exit reason'],
]);

/**
 * What `KVM_INTERNAL_ERROR_*` sub-error `suberror` means: 1 EMULATION, 2 SIMUL_EX,
 * 3 DELIVERY_EV, 4 UNEXPECTED_EXIT_REASON.
 */
export function kvmInternalErrorDescription(suberror: number): string {
  return INTERNAL_ERROR_DESCRIPTIONS.get(suberror) ?? `unknown internal error ${suberror}`;
}
