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
  /**
   * arm64 only: the file descriptors of vCPUs 0, 1, ... created up front by the VM's owner,
   * comma-separated (`"7,8"`): a handle holds only scalars.
   */
  vcpuFds?: string;
  /** CPU features hidden from the guest (`VirtOptions.hiddenCpuFeatures`), comma-separated. */
  hiddenCpuFeatures?: string;
}>;

/** Comma-separated decimal file descriptors. */
const FD_LIST = /^\d+(,\d+)*$/;

/** The hidden CPU features `handle` lists (empty when it lists none). */
export function hiddenCpuFeaturesOf(handle: KvmHandle): string[] {
  return handle.hiddenCpuFeatures === undefined ? [] : handle.hiddenCpuFeatures.split(',');
}

/** Formats up-front vCPU file descriptors for {@link KvmHandle.vcpuFds}. */
export function formatVcpuFds(fds: readonly number[]): string {
  return fds.join(',');
}

/**
 * The up-front vCPU file descriptors `handle` lists, by vCPU id (empty when it lists none, as
 * on x86_64).
 */
export function upFrontVcpuFds(handle: KvmHandle): number[] {
  return handle.vcpuFds === undefined ? [] : handle.vcpuFds.split(',').map(Number);
}

/** Checks that `handle` is a {@link KvmHandle}; throws a {@link VmmError} saying what is off. */
export function parseKvmHandle(handle: VirtHandle): KvmHandle {
  const { backend, kvmFd, vmFd, vcpus, vcpuFds, hiddenCpuFeatures } = handle;
  if (backend !== 'kvm') {
    throw new VmmError(`the handle is for backend ${String(backend)}, not kvm`);
  }
  if (!isFd(kvmFd) || !isFd(vmFd) || !isFd(vcpus) || vcpus === 0) {
    throw new VmmError(
      `a KVM handle needs file descriptors kvmFd and vmFd and a vCPU count vcpus > 0, got ` +
        `kvmFd=${String(kvmFd)} vmFd=${String(vmFd)} vcpus=${String(vcpus)}`,
    );
  }
  if (hiddenCpuFeatures !== undefined && typeof hiddenCpuFeatures !== 'string') {
    throw new VmmError(
      `a KVM handle's hiddenCpuFeatures is a comma-separated list; got ${String(hiddenCpuFeatures)}`,
    );
  }
  const hidden = hiddenCpuFeatures === undefined ? {} : { hiddenCpuFeatures };
  if (vcpuFds === undefined) return { backend, kvmFd, vmFd, vcpus, ...hidden };
  if (typeof vcpuFds !== 'string' || !isFdList(vcpuFds, vcpus)) {
    throw new VmmError(
      `a KVM handle's vcpuFds lists one file descriptor per vCPU (${vcpus}), ` +
        `comma-separated; got ${String(vcpuFds)}`,
    );
  }
  return { backend, kvmFd, vmFd, vcpus, vcpuFds, ...hidden };
}

function isFdList(value: string, count: number): boolean {
  if (!FD_LIST.test(value)) return false;
  const fds = value.split(',').map(Number);
  return fds.length === count && fds.every(isFd);
}

function isFd(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
