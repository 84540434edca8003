import { VmmError, type VirtHandle } from '@vmm/core';

/**
 * What a vCPU worker needs to attach to the hvp VM: Hypervisor.framework's VM belongs to the
 * whole process, so only the vCPU count and the token of the VM's shared state (see
 * `SharedVmState`) travel in it.
 */
export type HvpHandle = Readonly<{
  /** Marks the handle as the hvp backend's. */
  backend: 'hvp';
  /** The number of vCPUs the VM was created for. */
  vcpus: number;
  /** Identifies the VM's shared state among worker_threads environment data. */
  token: number;
}>;

/** What another thread passes to `HvpVirt.kick` to make one vCPU leave the guest. */
export type HvpKickHandle = Readonly<{
  /** Marks the handle as the hvp backend's. */
  backend: 'hvp';
  /** The vCPU's index. */
  vcpu: number;
  /** Its `hv_vcpu_t`, for `hv_vcpus_exit`. */
  hvVcpu: bigint;
}>;

/** Checks that `handle` is an {@link HvpHandle}; throws a {@link VmmError} saying what is off. */
export function parseHvpHandle(handle: VirtHandle): HvpHandle {
  const { backend, vcpus, token } = handle;
  if (backend !== 'hvp') {
    throw new VmmError(`the handle is for backend ${String(backend)}, not hvp`);
  }
  if (!isCount(vcpus) || typeof token !== 'number' || !Number.isSafeInteger(token)) {
    throw new VmmError(
      `an hvp handle needs a vCPU count vcpus > 0 and a numeric token, got ` +
        `vcpus=${String(vcpus)} token=${String(token)}`,
    );
  }
  return { backend, vcpus, token };
}

/** Checks that `handle` is an {@link HvpKickHandle}. */
export function parseHvpKickHandle(handle: VirtHandle): HvpKickHandle {
  const { backend, vcpu, hvVcpu } = handle;
  if (backend !== 'hvp' || !isIndex(vcpu) || typeof hvVcpu !== 'bigint') {
    throw new VmmError(
      `not an hvp vCPU kick handle: backend=${String(backend)} vcpu=${String(vcpu)} ` +
        `hvVcpu=${String(hvVcpu)}`,
    );
  }
  return { backend, vcpu, hvVcpu };
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isCount(value: unknown): value is number {
  return isIndex(value) && value > 0;
}
