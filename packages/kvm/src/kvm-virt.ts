import {
  VmmError,
  hex,
  hostArch,
  x86_64Layout,
  type HostMemory,
  type MemorySlot,
  type Virt,
  type VirtHandle,
  type VirtOptions,
} from '@vmm/core';
import { setUpX86Vcpu } from './arch/x86_64/vcpu-setup.js';
import {
  KVM_CREATE_IRQCHIP,
  KVM_CREATE_PIT2,
  KVM_CREATE_VCPU,
  KVM_SET_IDENTITY_MAP_ADDR,
  KVM_SET_TSS_ADDR,
  KVM_SET_USER_MEMORY_REGION,
} from './bindings/ioctl-numbers.js';
import { KvmCap } from './bindings/kvm-capabilities.js';
import { encodeUserspaceMemoryRegion } from './bindings/kvm-userspace-memory-region.js';
import { KVM_PIT_SPEAKER_DUMMY, encodeKvmPitConfig } from './bindings/x86_64/kvm-pit-config.js';
import { Errno } from './errno.js';
import { KvmError } from './kvm-error.js';
import { parseKvmHandle, type KvmHandle } from './kvm-handle.js';
import { KvmInterruptController } from './kvm-interrupt-controller.js';
import { KvmSystem, KVM_DEVICE_PATH } from './kvm-system.js';
import { KvmUnavailableError } from './kvm-unavailable-error.js';
import { KvmVcpu } from './kvm-vcpu.js';
import { enableKicks, kickVcpuThread } from './vcpu-kick.js';
import {
  MAP_ANONYMOUS,
  MAP_FAILED,
  MAP_FIXED,
  MAP_NORESERVE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAX_VIEW_SIZE,
  PROT_READ,
  PROT_WRITE,
  libc,
  type Libc,
} from './libc.js';

/** Capabilities an x86_64 VM needs from KVM. */
const REQUIRED_X86_CAPS = {
  IRQCHIP: KvmCap.IRQCHIP,
  USER_MEMORY: KvmCap.USER_MEMORY,
  SET_TSS_ADDR: KvmCap.SET_TSS_ADDR,
  SET_IDENTITY_MAP_ADDR: KvmCap.SET_IDENTITY_MAP_ADDR,
  EXT_CPUID: KvmCap.EXT_CPUID,
  PIT2: KvmCap.PIT2,
};

/** One mapping made by {@link KvmVirt.allocateMemory}. */
interface Allocation {
  readonly address: bigint;
  readonly size: number;
}

/**
 * A KVM VM file descriptor, implementing {@link Virt}. Like rust-vmm's `VmFd`: one method per
 * ioctl. The creating thread owns the VM ({@link KvmVirt.create}); vCPU worker threads of the
 * same process {@link KvmVirt.attach} to it with its {@link KvmVirt.handle}.
 */
export class KvmVirt implements Virt {
  /** The guest architecture (the host's: KVM runs guests of its own architecture). */
  readonly arch = 'x86_64' as const;
  /** The interrupt controller (KVM_IRQ_LINE), usable from any thread. */
  readonly interrupts: KvmInterruptController;
  readonly #libc: Libc;
  readonly #owner: boolean;
  readonly #allocations: Allocation[] = [];
  readonly #vcpus = new Set<KvmVcpu>();
  #closed = false;

  private constructor(
    /** The `/dev/kvm` descriptor this VM was created from. */
    readonly system: KvmSystem,
    /** The VM file descriptor. */
    readonly vmFd: number,
    /** The number of vCPUs the VM was created for. */
    readonly vcpuCount: number,
    owner: boolean,
  ) {
    this.#libc = libc();
    this.#owner = owner;
    this.interrupts = new KvmInterruptController(vmFd);
  }

  /**
   * Opens `/dev/kvm`, checks the capabilities an x86_64 VM needs and creates the VM
   * (KVM_CREATE_VM), placing the real-mode helper pages at their layout addresses
   * (KVM_SET_IDENTITY_MAP_ADDR, KVM_SET_TSS_ADDR). Throws {@link KvmUnavailableError} on a
   * host that cannot run it.
   */
  static create(options: VirtOptions): KvmVirt {
    const arch = hostArch();
    if (arch !== 'x86_64') {
      throw new KvmUnavailableError(
        KVM_DEVICE_PATH,
        `vmm's KVM backend drives x86_64 hosts, and this host is ${process.arch}`,
        'run vmm on an x86_64 Linux host',
      );
    }
    const { vcpus } = options;
    if (!Number.isSafeInteger(vcpus) || vcpus < 1) {
      throw new VmmError(`a VM needs a whole number of vCPUs, at least 1 (got ${vcpus})`);
    }
    const system = KvmSystem.open();
    let virt: KvmVirt;
    try {
      system.requireCapabilities(REQUIRED_X86_CAPS);
      const max = system.maxVcpus();
      if (vcpus > max) {
        throw new VmmError(`this KVM runs at most ${max} vCPUs per VM (asked for ${vcpus})`);
      }
      virt = new KvmVirt(system, system.createVm(), vcpus, true);
    } catch (error) {
      system.close();
      throw error;
    }
    try {
      virt.setIdentityMapAddress(x86_64Layout.KVM_IDENTITY_MAP_START);
      virt.setTssAddress(x86_64Layout.KVM_TSS_START);
    } catch (error) {
      virt.close();
      throw error;
    }
    return virt;
  }

  /**
   * Wraps the VM `handle` describes, created by {@link create} in another thread of this
   * process. Creates nothing; {@link close} then releases only what this thread made.
   */
  static attach(handle: VirtHandle): KvmVirt {
    const { kvmFd, vmFd, vcpus } = parseKvmHandle(handle);
    return new KvmVirt(KvmSystem.fromFd(kvmFd), vmFd, vcpus, false);
  }

  /** The file descriptors and vCPU count a worker thread passes to {@link attach}. */
  get handle(): KvmHandle {
    return { backend: 'kvm', kvmFd: this.system.fd, vmFd: this.vmFd, vcpus: this.vcpuCount };
  }

  /** KVM_SET_IDENTITY_MAP_ADDR (x86): where the one-page identity map for real mode lives. */
  setIdentityMapAddress(address: bigint): void {
    const arg = new Uint8Array(8);
    new DataView(arg.buffer).setBigUint64(0, address, true);
    this.#ioctlBuffer('KVM_SET_IDENTITY_MAP_ADDR', KVM_SET_IDENTITY_MAP_ADDR, arg, hex(address));
  }

  /** KVM_SET_TSS_ADDR (x86): where the three-page TSS for real mode lives. */
  setTssAddress(address: bigint): void {
    this.#ioctlValue('KVM_SET_TSS_ADDR', KVM_SET_TSS_ADDR, address, hex(address));
  }

  /**
   * KVM_CREATE_IRQCHIP then KVM_CREATE_PIT2 (with a dummy PC speaker): the in-kernel PIC
   * pair, IOAPIC, local APICs and i8254 timer. Call once, before creating vCPUs.
   */
  createIrqChip(): void {
    this.#ioctlValue('KVM_CREATE_IRQCHIP', KVM_CREATE_IRQCHIP, 0);
    const config = encodeKvmPitConfig(KVM_PIT_SPEAKER_DUMMY);
    this.#ioctlBuffer('KVM_CREATE_PIT2', KVM_CREATE_PIT2, config);
  }

  /**
   * Maps `size` bytes of zeroed, page-aligned host memory for guest RAM (shared, so other
   * threads' views see the same bytes; not reserved, so pages are committed as they are
   * touched). At most 4 GiB per call: that is the largest view Node makes of native memory,
   * so larger RAM takes several regions. Released by the owner's {@link close}.
   */
  allocateMemory(size: number): HostMemory {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new VmmError(`guest RAM must be a positive whole number of bytes (got ${size})`);
    }
    if (size > MAX_VIEW_SIZE) {
      throw new VmmError(
        `cannot allocate ${size} bytes of guest RAM in one piece: Node views native memory ` +
          `at most ${MAX_VIEW_SIZE} bytes (4 GiB) at a time; split RAM into regions that fit`,
      );
    }
    const c = this.#libc;
    const flags = MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE;
    const address = c.mmap(null, size, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (address === MAP_FAILED) {
      throw new KvmError('mmap', c.errno(), `allocating ${size} bytes of guest RAM`);
    }
    this.#allocations.push({ address, size });
    return { hostAddress: address, bytes: new Uint8Array(c.view(address, size)) };
  }

  /**
   * A view of `size` bytes (at most 4 GiB) at `hostAddress`, memory {@link allocateMemory}
   * mapped in this process.
   */
  viewMemory(hostAddress: bigint, size: number): Uint8Array {
    if (hostAddress <= 0n || !Number.isSafeInteger(size) || size < 0 || size > MAX_VIEW_SIZE) {
      throw new VmmError(
        `cannot view ${size} bytes at host address ${hex(hostAddress)}: ` +
          'a view covers 0 to 4 GiB of memory allocateMemory mapped',
      );
    }
    return new Uint8Array(this.#libc.view(hostAddress, size));
  }

  /** KVM_SET_USER_MEMORY_REGION: maps `slot`'s host memory at its guest physical address. */
  setUserMemoryRegion(slot: MemorySlot): void {
    const region = encodeUserspaceMemoryRegion({
      slot: slot.slot,
      flags: 0,
      guestPhysAddr: slot.guestAddress,
      memorySize: slot.size,
      userspaceAddr: slot.hostAddress,
    });
    this.#ioctlBuffer(
      'KVM_SET_USER_MEMORY_REGION',
      KVM_SET_USER_MEMORY_REGION,
      region,
      `slot ${slot.slot}: ${slot.size} bytes at guest ${hex(slot.guestAddress)}`,
    );
  }

  /**
   * KVM_CREATE_VCPU, then maps its `kvm_run` area and sets it up: kicks (KVM_SET_SIGNAL_MASK),
   * CPUID (with its APIC id) and, if the irqchip exists, its local APIC's LINT pins. Call on
   * the thread that runs it.
   */
  createVcpu(id: number): KvmVcpu {
    if (!Number.isSafeInteger(id) || id < 0 || id >= this.vcpuCount) {
      throw new VmmError(`vCPU id ${id} is outside this VM's 0..${this.vcpuCount - 1}`);
    }
    const c = this.#libc;
    const fd = this.#ioctlValue('KVM_CREATE_VCPU', KVM_CREATE_VCPU, id, `vCPU ${id}`);
    const runSize = this.system.vcpuMmapSize();
    const runAddress = c.mmap(null, runSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (runAddress === MAP_FAILED) {
      const errno = c.errno();
      c.close(fd);
      throw new KvmError('mmap', errno, `kvm_run area of vCPU ${id}`);
    }
    const vcpu = new KvmVcpu(id, fd, runAddress, runSize);
    try {
      enableKicks(c, fd, id);
      setUpX86Vcpu(vcpu, this.system.supportedCpuid());
    } catch (error) {
      vcpu.close();
      throw error;
    }
    this.#vcpus.add(vcpu);
    return vcpu;
  }

  /**
   * Makes the vCPU that `kickHandle` ({@link KvmVcpu.kickHandle}) names leave the guest: its
   * current or next `run()` returns `interrupted`. Callable from any thread of the process.
   */
  kick(kickHandle: VirtHandle): void {
    kickVcpuThread(this.#libc, kickHandle);
  }

  /**
   * Closes the vCPUs this thread created. The owner (the {@link create} side) also closes the
   * VM and `/dev/kvm` descriptors and frees guest RAM: the pages are dropped and the address
   * range is left holding fresh zero pages, so a view kept past `close` reads zeros instead of
   * crashing the process. Safe to call twice.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const vcpu of this.#vcpus) vcpu.close();
    this.#vcpus.clear();
    if (!this.#owner) return;
    this.#libc.close(this.vmFd);
    this.system.close();
    for (const { address, size } of this.#allocations.splice(0)) this.#release(address, size);
  }

  #release(address: bigint, size: number): void {
    const flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED;
    const c = this.#libc;
    if (c.mmap(address, size, PROT_READ | PROT_WRITE, flags, -1, 0) === MAP_FAILED) {
      c.munmap(address, size);
    }
  }

  #ioctlValue(name: string, request: number, arg: number | bigint, context?: string): number {
    this.#checkOpen(name);
    const result = this.#libc.ioctlValue(this.vmFd, request, arg);
    if (result < 0) throw new KvmError(name, this.#libc.errno(), context);
    return result;
  }

  #ioctlBuffer(name: string, request: number, arg: Uint8Array, context?: string): number {
    this.#checkOpen(name);
    const result = this.#libc.ioctlBuffer(this.vmFd, request, arg);
    if (result < 0) throw new KvmError(name, this.#libc.errno(), context);
    return result;
  }

  #checkOpen(name: string): void {
    if (this.#closed) throw new KvmError(name, Errno.EBADF, 'the VM is closed');
  }
}
