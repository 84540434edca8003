import { vcpuOfMpidr } from './aarch64/mpidr.js';
import {
  IMPLEMENTED_PSCI_FUNCTIONS,
  PSCI_TOS_NOT_PRESENT_MP,
  PSCI_VERSION_1_0,
  PsciAffinityState,
  PsciFunction,
  PsciReturn,
} from './aarch64/psci.js';
import { PowerState, type SharedVmState } from './shared-vm-state.js';

/** A PSCI call as the guest made it: the function ID (w0) and arguments x1..x3. */
export interface PsciCall {
  /** The function ID (the low 32 bits of x0). */
  readonly functionId: number;
  /** x1. */
  readonly x1: bigint;
  /** x2. */
  readonly x2: bigint;
  /** x3. */
  readonly x3: bigint;
}

/** What the calling vCPU does after a PSCI call. */
export type PsciOutcome =
  /** Returns to the guest with `x0` (a result or a negative PSCI error, as 64 bits). */
  | { readonly kind: 'return'; readonly x0: bigint }
  /** CPU_OFF: the caller powers down and waits for a CPU_ON. */
  | { readonly kind: 'cpu-off' }
  /** SYSTEM_OFF: the VM ends, powered off. */
  | { readonly kind: 'system-off' }
  /** SYSTEM_RESET: the VM ends, asking to be reset. */
  | { readonly kind: 'system-reset' };

const ret = (value: number): PsciOutcome => ({
  kind: 'return',
  x0: BigInt.asUintN(64, BigInt(value)),
});

/** Arguments of the 32-bit calling convention are the low halves of x1..x3. */
function argument(value: bigint, is64: boolean): bigint {
  return is64 ? value : value & 0xffff_ffffn;
}

/**
 * vmm's PSCI 1.0 firmware, run inline on the calling vCPU's thread. CPU_ON writes the target's
 * mailbox in the shared VM state and wakes it; the target, waiting in its own `run()`, loads
 * the entry point and context id on its own thread (Hypervisor.framework lets only the owning
 * thread touch a vCPU's registers). Unknown function IDs answer NOT_SUPPORTED, as SMCCC
 * requires of every unknown call.
 */
export function handlePsci(call: PsciCall, caller: number, state: SharedVmState): PsciOutcome {
  switch (call.functionId) {
    case PsciFunction.VERSION:
      return ret(PSCI_VERSION_1_0);
    case PsciFunction.FEATURES:
      return ret(
        IMPLEMENTED_PSCI_FUNCTIONS.has(Number(call.x1 & 0xffff_ffffn))
          ? PsciReturn.SUCCESS
          : PsciReturn.NOT_SUPPORTED,
      );
    case PsciFunction.MIGRATE_INFO_TYPE:
      return ret(PSCI_TOS_NOT_PRESENT_MP);
    case PsciFunction.CPU_OFF:
      return { kind: 'cpu-off' };
    case PsciFunction.SYSTEM_OFF:
      return { kind: 'system-off' };
    case PsciFunction.SYSTEM_RESET:
      return { kind: 'system-reset' };
    case PsciFunction.CPU_ON:
    case PsciFunction.CPU_ON_64:
      return cpuOn(call, call.functionId === PsciFunction.CPU_ON_64, state);
    case PsciFunction.AFFINITY_INFO:
    case PsciFunction.AFFINITY_INFO_64:
      return affinityInfo(call, call.functionId === PsciFunction.AFFINITY_INFO_64, state);
    default:
      return ret(PsciReturn.NOT_SUPPORTED);
  }
}

function cpuOn(call: PsciCall, is64: boolean, state: SharedVmState): PsciOutcome {
  const target = vcpuOfMpidr(argument(call.x1, is64), state.vcpuCount);
  if (target === undefined) return ret(PsciReturn.INVALID_PARAMETERS);
  const previous = state.requestCpuOn(target, argument(call.x2, is64), argument(call.x3, is64));
  switch (previous) {
    case PowerState.OFF:
      return ret(PsciReturn.SUCCESS);
    case PowerState.ON:
      return ret(PsciReturn.ALREADY_ON);
    default:
      return ret(PsciReturn.ON_PENDING);
  }
}

function affinityInfo(call: PsciCall, is64: boolean, state: SharedVmState): PsciOutcome {
  if (argument(call.x2, is64) !== 0n) return ret(PsciReturn.INVALID_PARAMETERS);
  const target = vcpuOfMpidr(argument(call.x1, is64), state.vcpuCount);
  if (target === undefined) return ret(PsciReturn.INVALID_PARAMETERS);
  switch (state.power(target)) {
    case PowerState.ON:
      return ret(PsciAffinityState.ON);
    case PowerState.OFF:
      return ret(PsciAffinityState.OFF);
    default:
      return ret(PsciAffinityState.ON_PENDING);
  }
}
