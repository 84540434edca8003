import { KvmCap } from './bindings/kvm-capabilities.js';
import {
  KVM_CHECK_EXTENSION,
  KVM_CREATE_VM,
  KVM_GET_API_VERSION,
  KVM_GET_SUPPORTED_CPUID,
  KVM_GET_VCPU_MMAP_SIZE,
} from './bindings/ioctl-numbers.js';
import { KvmCpuid2 } from './bindings/x86_64/kvm-cpuid2.js';
import { Errno, errnoDescription, errnoName } from './errno.js';
import { KvmError } from './kvm-error.js';
import { KvmUnavailableError } from './kvm-unavailable-error.js';
import { O_CLOEXEC, O_RDWR, libc, type Libc } from './libc.js';

/**
 * How many times {@link KvmSystem.createVm} asks KVM_CREATE_VM before an EINTR is an error:
 * enough for any burst of signals, few enough that a signal storm still ends in an error.
 */
export const CREATE_VM_ATTEMPTS = 100;

/** Where the KVM device lives. */
export const KVM_DEVICE_PATH = '/dev/kvm';
/** The KVM API version this package speaks: the stable API, unchanged since Linux 2.6.22. */
export const KVM_API_VERSION = 12;
/** vCPUs per VM to assume when KVM reports no limit (Documentation/virt/kvm/api.rst). */
const ASSUMED_MAX_VCPUS = 4;
/** Room for CPUID entries asked for first; doubled while KVM answers E2BIG. */
const INITIAL_CPUID_ENTRIES = 128;
/** Upper bound on that room (KVM's own limit is 256). */
const MAX_CPUID_ENTRIES = 4096;

/**
 * The KVM system file descriptor (`/dev/kvm`): API version, capabilities, the `kvm_run`
 * mapping size, supported CPUID, and VM creation. Like rust-vmm's `Kvm`.
 */
export class KvmSystem {
  readonly #libc: Libc;
  readonly #owned: boolean;
  #vcpuMmapSize: number | undefined;
  #supportedCpuid: KvmCpuid2 | undefined;
  #closed = false;

  private constructor(
    /** The KVM device's path (for messages). */
    readonly path: string,
    /** The `/dev/kvm` file descriptor. */
    readonly fd: number,
    owned: boolean,
  ) {
    this.#libc = libc();
    this.#owned = owned;
  }

  /**
   * Opens `path` (read-write, close-on-exec) and checks that it speaks KVM API version 12.
   * Throws {@link KvmUnavailableError} saying why when it is missing, inaccessible or not KVM.
   */
  static open(path: string = KVM_DEVICE_PATH): KvmSystem {
    if (process.platform !== 'linux') {
      throw new KvmUnavailableError(
        path,
        `this host runs ${process.platform}, and KVM is part of Linux`,
        'use the hvp backend on macOS',
      );
    }
    const c = libc();
    const fd = c.open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) throw new KvmUnavailableError(path, openFailureReason(path, c.errno()));
    const system = new KvmSystem(path, fd, true);
    const version = c.ioctlValue(fd, KVM_GET_API_VERSION, 0);
    if (version !== KVM_API_VERSION) {
      const reason =
        version < 0
          ? `KVM_GET_API_VERSION failed with ${errnoName(c.errno())}, so it is not a KVM device`
          : `it speaks KVM API version ${version}, and vmm speaks version ${KVM_API_VERSION}`;
      system.close();
      throw new KvmUnavailableError(path, reason);
    }
    return system;
  }

  /**
   * Wraps a `/dev/kvm` descriptor this process already has open (e.g. one opened by another
   * thread). {@link close} leaves such a descriptor open.
   */
  static fromFd(fd: number): KvmSystem {
    return new KvmSystem(KVM_DEVICE_PATH, fd, false);
  }

  /** KVM_CHECK_EXTENSION: 0 if capability `cap` (`KvmCap.*`) is missing, else positive. */
  checkExtension(cap: number): number {
    return Math.max(0, this.#ioctlValue('KVM_CHECK_EXTENSION', KVM_CHECK_EXTENSION, cap));
  }

  /**
   * Throws {@link KvmUnavailableError} naming every capability in `caps` (name -> `KVM_CAP_*`
   * number) this KVM lacks.
   */
  requireCapabilities(caps: Readonly<Record<string, number>>): void {
    const missing = Object.entries(caps)
      .filter(([, cap]) => this.checkExtension(cap) === 0)
      .map(([name]) => `KVM_CAP_${name}`);
    if (missing.length > 0) {
      throw new KvmUnavailableError(
        this.path,
        `this KVM lacks ${missing.join(', ')}`,
        'a newer host kernel may have it',
      );
    }
  }

  /**
   * The most vCPUs one VM may have: KVM_CAP_MAX_VCPUS, else KVM_CAP_NR_VCPUS, else 4 (what
   * the KVM API documentation says to assume when neither is reported).
   */
  maxVcpus(): number {
    return (
      this.checkExtension(KvmCap.MAX_VCPUS) ||
      this.checkExtension(KvmCap.NR_VCPUS) ||
      ASSUMED_MAX_VCPUS
    );
  }

  /** KVM_GET_VCPU_MMAP_SIZE: bytes to map from each vCPU fd for its `kvm_run` area. */
  vcpuMmapSize(): number {
    this.#vcpuMmapSize ??= this.#ioctlValue('KVM_GET_VCPU_MMAP_SIZE', KVM_GET_VCPU_MMAP_SIZE, 0);
    return this.#vcpuMmapSize;
  }

  /**
   * KVM_GET_SUPPORTED_CPUID (x86): the CPUID leaves KVM can give a guest, as a fresh copy
   * the caller may patch. Grows its buffer while KVM answers E2BIG.
   */
  supportedCpuid(): KvmCpuid2 {
    this.#supportedCpuid ??= this.#fetchSupportedCpuid();
    return this.#supportedCpuid.clone();
  }

  /**
   * KVM_CREATE_VM: creates a VM of machine type `type` (0, the default, unless the host's
   * architecture encodes more in it, as arm64 does its IPA size) and returns its descriptor.
   *
   * The kernel gives up with EINTR when a signal arrives while it registers the VM's MMU
   * notifier (`mm_take_all_locks`: a terminal resize, a profiler's tick), and nothing has been
   * created then; so EINTR is retried, as QEMU does, up to {@link CREATE_VM_ATTEMPTS} times.
   */
  createVm(type = 0): number {
    for (let attempt = 1; ; attempt++) {
      try {
        return this.#ioctlValue('KVM_CREATE_VM', KVM_CREATE_VM, type);
      } catch (error) {
        const interrupted = error instanceof KvmError && error.errno === Errno.EINTR;
        if (!interrupted || attempt === CREATE_VM_ATTEMPTS) throw error;
      }
    }
  }

  /** Closes the descriptor if {@link open} opened it. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) this.#libc.close(this.fd);
  }

  #fetchSupportedCpuid(): KvmCpuid2 {
    for (let room = INITIAL_CPUID_ENTRIES; room <= MAX_CPUID_ENTRIES; room *= 2) {
      const cpuid = new KvmCpuid2(room);
      if (this.#libc.ioctlBuffer(this.fd, KVM_GET_SUPPORTED_CPUID, cpuid.bytes) >= 0) return cpuid;
      const errno = this.#libc.errno();
      if (errno !== Errno.E2BIG) throw new KvmError('KVM_GET_SUPPORTED_CPUID', errno);
    }
    throw new KvmError(
      'KVM_GET_SUPPORTED_CPUID',
      Errno.E2BIG,
      `more than ${MAX_CPUID_ENTRIES} entries`,
    );
  }

  #ioctlValue(name: string, request: number, arg: number): number {
    if (this.#closed) throw new KvmError(name, Errno.EBADF, 'the /dev/kvm descriptor is closed');
    const result = this.#libc.ioctlValue(this.fd, request, arg);
    if (result < 0) throw new KvmError(name, this.#libc.errno());
    return result;
  }
}

function openFailureReason(path: string, errno: number): string {
  switch (errno) {
    case Errno.ENOENT:
      return `${path} does not exist`;
    case Errno.EACCES:
    case Errno.EPERM:
      return `permission denied opening ${path}`;
    default:
      return `opening ${path} failed with ${errnoName(errno)} (${errnoDescription(errno)})`;
  }
}
