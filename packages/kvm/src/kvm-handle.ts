import { VmmError, type VirtHandle } from '@vmm/core';

/**
 * What a vCPU worker needs to use a VM created by another thread of the same process: file
 * descriptors are process-wide, so the numbers are enough.
 */
export type KvmHandle = Readonly<{
  /** Marks the handle as the KVM backend's. */
  backend: 'kvm';
  /** The `/dev/kvm` file descriptor. */
  kvmFd: number;
  /** The VM file descriptor. */
  vmFd: number;
  /** The number of vCPUs the VM was created for. */
  vcpus: number;
}>;

/** Checks that `handle` is a {@link KvmHandle}; throws a {@link VmmError} saying what is off. */
export function parseKvmHandle(handle: VirtHandle): KvmHandle {
  const { backend, kvmFd, vmFd, vcpus } = handle;
  if (backend !== 'kvm') {
    throw new VmmError(`the handle is for backend ${String(backend)}, not kvm`);
  }
  if (!isFd(kvmFd) || !isFd(vmFd) || !isFd(vcpus) || vcpus === 0) {
    throw new VmmError(
      `a KVM handle needs file descriptors kvmFd and vmFd and a vCPU count vcpus > 0, got ` +
        `kvmFd=${String(kvmFd)} vmFd=${String(vmFd)} vcpus=${String(vcpus)}`,
    );
  }
  return { backend, kvmFd, vmFd, vcpus };
}

function isFd(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
