import {
  MemorySlotLimitError,
  VmmError,
  hex,
  type Arch,
  type HostMemory,
  type MemorySlot,
  type Virt,
  type VirtHandle,
  type VirtOptions,
} from '@vmm/core';
import { KVM_ARM_PREFERRED_TARGET } from './bindings/aarch64/ioctl-numbers.js';
import { KvmVcpuInit } from './bindings/aarch64/kvm-vcpu-init.js';
import {
  KVM_CREATE_DEVICE,
  KVM_CREATE_IRQCHIP,
  KVM_CREATE_PIT2,
  KVM_CREATE_VCPU,
  KVM_REGISTER_COALESCED_MMIO,
  KVM_SET_IDENTITY_MAP_ADDR,
  KVM_SET_TSS_ADDR,
  KVM_SET_USER_MEMORY_REGION,
  KVM_UNREGISTER_COALESCED_MMIO,
} from './bindings/ioctl-numbers.js';
import { KvmCap } from './bindings/kvm-capabilities.js';
import { encodePioZone } from './bindings/kvm-coalesced-mmio.js';
import { createdDeviceFd, encodeKvmCreateDevice } from './bindings/kvm-create-device.js';
import { encodeUserspaceMemoryRegion } from './bindings/kvm-userspace-memory-region.js';
import { encodeKvmPitConfig } from './bindings/x86_64/kvm-pit-config.js';
import { Errno } from './errno.js';
import { hostKvmArchitecture } from './host-kvm-architecture.js';
import type { KvmArchitecture } from './kvm-architecture.js';
import { KvmDevice } from './kvm-device.js';
import { KvmError } from './kvm-error.js';
import {
  formatVcpuFds,
  hiddenCpuFeaturesOf,
  parseKvmHandle,
  upFrontVcpuFds,
  type KvmHandle,
} from './kvm-handle.js';
import { KvmInterruptController } from './kvm-interrupt-controller.js';
import { KvmSystem } from './kvm-system.js';
import { type CoalescedRingPlace, KvmVcpu } from './kvm-vcpu.js';
import { enableKicks, kickVcpuThread } from './vcpu-kick.js';
import { mapGuestRam } from './guest-ram.js';
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

/** Page size of x86_64 hosts, the unit of the vCPU mapping's page offsets. */
const X86_PAGE_SIZE = 4096;

/**
 * Throws {@link MemorySlotLimitError} when a VM of `slots` memory slots (if given) needs more
 * than this KVM gives one VM (KVM_CAP_NR_MEMSLOTS; not checked where KVM does not report it).
 */
function checkMemorySlots(system: KvmSystem, slots: number | undefined): void {
  if (slots === undefined) return;
  const max = system.checkExtension(KvmCap.NR_MEMSLOTS);
  if (max > 0 && slots > max) throw new MemorySlotLimitError(slots, max);
}

/** One mapping made by {@link KvmVirt.allocateMemory}. */
interface Allocation {
  readonly address: bigint;
  readonly size: number;
}

/**
 * A KVM VM file descriptor, implementing {@link Virt}. Like rust-vmm's `VmFd`: one method per
 * ioctl. The creating thread owns the VM ({@link KvmVirt.create}); vCPU worker threads of the
 * same process {@link KvmVirt.attach} to it with its {@link KvmVirt.handle}. What differs
 * between x86_64 and arm64 hosts is left to the host's {@link KvmArchitecture}.
 */
export class KvmVirt implements Virt {
  /** The guest architecture (the host's: KVM runs guests of its own architecture). */
  readonly arch: Arch;
  /** The interrupt controller (KVM_IRQ_LINE), usable from any thread. */
  readonly interrupts: KvmInterruptController;
  readonly #libc: Libc;
  readonly #owner: boolean;
  readonly #architecture: KvmArchitecture;
  readonly #allocations: Allocation[] = [];
  readonly #vcpus = new Set<KvmVcpu>();
  readonly #devices: KvmDevice[] = [];
  /** Coalesced port I/O zones this thread registered, as `port+size`. */
  readonly #bufferedZones = new Set<string>();
  #ringPlace: CoalescedRingPlace | 'unsupported' | undefined;
  /** vCPU fds made up front by the owner, by vCPU id (arm64); empty on x86. */
  readonly #upFrontVcpuFds: number[];
  #closed = false;

  private constructor(
    /** The `/dev/kvm` descriptor this VM was created from. */
    readonly system: KvmSystem,
    /** The VM file descriptor. */
    readonly vmFd: number,
    /** The number of vCPUs the VM was created for. */
    readonly vcpuCount: number,
    architecture: KvmArchitecture,
    owner: boolean,
    upFrontVcpuFds: readonly number[],
    /** CPU features every vCPU's guest does not see (see `VirtOptions.hiddenCpuFeatures`). */
    readonly hiddenCpuFeatures: readonly string[],
  ) {
    this.#libc = libc();
    this.#owner = owner;
    this.#architecture = architecture;
    this.arch = architecture.arch;
    this.#upFrontVcpuFds = [...upFrontVcpuFds];
    this.interrupts = new KvmInterruptController(vmFd, architecture.irqLine);
  }

  /**
   * Opens `/dev/kvm`, checks the capabilities a VM of this host's architecture needs and that
   * it can hold `options`' memory map (`guestAddressSpan`, `memorySlots`; a
   * `GuestAddressSpaceError` when the guest cannot address that far, a `MemorySlotLimitError`
   * when KVM has too few slots), creates the VM (KVM_CREATE_VM; on arm64 with a larger IPA
   * size where the map needs more than the default 40 bits) and sets it up: on x86_64 the
   * real-mode helper pages go to their layout addresses (KVM_SET_IDENTITY_MAP_ADDR,
   * KVM_SET_TSS_ADDR); on arm64 every vCPU is created and initialised now
   * (KVM_ARM_PREFERRED_TARGET, then KVM_CREATE_VCPU and KVM_ARM_VCPU_INIT per vCPU; see
   * {@link createVcpu}). `options.hiddenCpuFeatures` are checked first (x86_64 only; an
   * unknown name throws `UnknownCpuFeatureError`) and cleared from every vCPU's CPUID. Throws
   * {@link KvmUnavailableError} on a host that cannot run it.
   */
  static create(options: VirtOptions): KvmVirt {
    const architecture = hostKvmArchitecture();
    const { vcpus } = options;
    if (!Number.isSafeInteger(vcpus) || vcpus < 1) {
      throw new VmmError(`a VM needs a whole number of vCPUs, at least 1 (got ${vcpus})`);
    }
    const hidden = [...(options.hiddenCpuFeatures ?? [])];
    architecture.checkHiddenCpuFeatures(hidden);
    const system = KvmSystem.open();
    let virt: KvmVirt;
    try {
      system.requireCapabilities(architecture.requiredCapabilities);
      const max = system.maxVcpus();
      if (vcpus > max) {
        throw new VmmError(`this KVM runs at most ${max} vCPUs per VM (asked for ${vcpus})`);
      }
      const type = architecture.vmType(system, options.guestAddressSpan);
      checkMemorySlots(system, options.memorySlots);
      virt = new KvmVirt(system, system.createVm(type), vcpus, architecture, true, [], hidden);
    } catch (error) {
      system.close();
      throw error;
    }
    try {
      architecture.setUpVm(virt);
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
    const parsed = parseKvmHandle(handle);
    const { kvmFd, vmFd, vcpus } = parsed;
    const architecture = hostKvmArchitecture();
    const system = KvmSystem.fromFd(kvmFd);
    return new KvmVirt(
      system,
      vmFd,
      vcpus,
      architecture,
      false,
      upFrontVcpuFds(parsed),
      hiddenCpuFeaturesOf(parsed),
    );
  }

  /**
   * The file descriptors and vCPU count a worker thread passes to {@link attach}, plus, on
   * arm64, the fds of the vCPUs created up front (`vcpuFds`).
   */
  get handle(): KvmHandle {
    const handle = {
      backend: 'kvm',
      kvmFd: this.system.fd,
      vmFd: this.vmFd,
      vcpus: this.vcpuCount,
    } as const;
    const hidden =
      this.hiddenCpuFeatures.length === 0
        ? {}
        : { hiddenCpuFeatures: this.hiddenCpuFeatures.join(',') };
    if (this.#upFrontVcpuFds.length === 0) return { ...handle, ...hidden };
    return { ...handle, ...hidden, vcpuFds: formatVcpuFds(this.#upFrontVcpuFds) };
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
   * Creates the in-kernel interrupt controller. Call once, on the creating thread, before
   * creating vCPUs (x86_64) or at least before any vCPU runs (arm64).
   *
   * x86_64: KVM_CREATE_IRQCHIP then KVM_CREATE_PIT2 (with a dummy PC speaker): the in-kernel
   * PIC pair, IOAPIC, local APICs and i8254 timer.
   *
   * arm64: a vGICv3 (KVM_CREATE_DEVICE) with its distributor at `aarch64Layout.GIC_DISTRIBUTOR`,
   * its redistributors (one 128 KiB pair per vCPU) from `aarch64Layout.GIC_REDISTRIBUTOR`,
   * 256 interrupts (SPIs 0-223), then KVM_DEV_ARM_VGIC_CTRL_INIT. That last step must follow
   * the creation of every vCPU, which is why arm64 VMs create their vCPUs in {@link create}.
   */
  createIrqChip(): void {
    this.#architecture.createIrqChip(this);
  }

  /** KVM_CREATE_IRQCHIP (x86): the in-kernel PIC pair, IOAPIC and local APICs. */
  createKernelIrqchip(): void {
    this.#ioctlValue('KVM_CREATE_IRQCHIP', KVM_CREATE_IRQCHIP, 0);
  }

  /** KVM_CREATE_PIT2 (x86): the in-kernel i8254 timer, with `flags` (`KVM_PIT_SPEAKER_DUMMY`). */
  createPit2(flags: number): void {
    this.#ioctlBuffer('KVM_CREATE_PIT2', KVM_CREATE_PIT2, encodeKvmPitConfig(flags));
  }

  /**
   * KVM_CREATE_DEVICE: creates an in-kernel device of `type` (`KVM_DEV_TYPE_*`), closed with
   * the VM by its owner. `description` names it in error messages.
   */
  createDevice(type: number, description: string): KvmDevice {
    const arg = encodeKvmCreateDevice(type);
    this.#ioctlBuffer('KVM_CREATE_DEVICE', KVM_CREATE_DEVICE, arg, description);
    const device = new KvmDevice(createdDeviceFd(arg), type);
    this.#devices.push(device);
    return device;
  }

  /**
   * KVM_ARM_PREFERRED_TARGET (arm64): the `kvm_vcpu_init` target that suits this host's CPUs,
   * with no features set.
   */
  preferredTarget(): KvmVcpuInit {
    const init = new KvmVcpuInit();
    this.#ioctlBuffer('KVM_ARM_PREFERRED_TARGET', KVM_ARM_PREFERRED_TARGET, init.bytes);
    return init;
  }

  /**
   * Maps `size` bytes of zeroed host memory for guest RAM (see {@link mapGuestRam}: private
   * to this process, whose threads all see it; committed as it is touched; aligned and advised
   * for transparent huge pages). At most 4 GiB per call: that is the largest view Node makes of native memory,
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
    const address = mapGuestRam(this.#libc, size);
    this.#allocations.push({ address, size });
    return { hostAddress: address, bytes: new Uint8Array(this.#libc.view(address, size)) };
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
   * KVM_CREATE_VCPU on the owner's thread, ahead of the thread that will run the vCPU (arm64,
   * from {@link create}): the fd is kept, listed in the {@link handle}, adopted by
   * {@link createVcpu}`(id)` on whichever thread calls it, and closed by the owner's
   * {@link close}. Returns the fd.
   */
  createVcpuUpFront(id: number): number {
    this.#checkVcpuId(id);
    if (!this.#owner) {
      throw new VmmError(`vCPU ${id} can be created up front only by the thread that owns the VM`);
    }
    const fd = this.#ioctlValue('KVM_CREATE_VCPU', KVM_CREATE_VCPU, id, `vCPU ${id}`);
    this.#upFrontVcpuFds[id] = fd;
    return fd;
  }

  /**
   * Makes vCPU `id` usable on the calling thread, which is the thread that must run it: maps
   * its `kvm_run` area, prepares kicks (KVM_SET_SIGNAL_MASK) and finishes its set-up.
   *
   * x86_64: the vCPU is created here (KVM_CREATE_VCPU), then gets its CPUID (with its APIC id)
   * and, if the irqchip exists, its local APIC's LINT pins.
   *
   * arm64: the vCPU was created and initialised (KVM_ARM_VCPU_INIT: PSCI 0.2; every vCPU but 0
   * powered off until the guest's PSCI CPU_ON) by {@link create}; this adopts its fd. Adopting
   * the same id twice on one thread fails with EEXIST, like creating it twice on x86_64.
   */
  createVcpu(id: number): KvmVcpu {
    this.#checkVcpuId(id);
    const c = this.#libc;
    const upFront = this.#upFrontVcpuFds[id];
    if (upFront !== undefined && [...this.#vcpus].some((vcpu) => vcpu.id === id)) {
      throw new KvmError('KVM_CREATE_VCPU', Errno.EEXIST, `vCPU ${id}`);
    }
    const fd = upFront ?? this.#ioctlValue('KVM_CREATE_VCPU', KVM_CREATE_VCPU, id, `vCPU ${id}`);
    const ownsFd = upFront === undefined;
    const runSize = this.system.vcpuMmapSize();
    const runAddress = c.mmap(null, runSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (runAddress === MAP_FAILED) {
      const errno = c.errno();
      if (ownsFd) c.close(fd);
      throw new KvmError('mmap', errno, `kvm_run area of vCPU ${id}`);
    }
    const vcpu = new KvmVcpu(
      id,
      fd,
      runAddress,
      runSize,
      this.#architecture,
      ownsFd,
      this.#coalescedRingPlace(),
    );
    try {
      enableKicks(c, fd, id);
      this.#architecture.setUpVcpu(vcpu, this);
    } catch (error) {
      vcpu.close();
      throw error;
    }
    this.#vcpus.add(vcpu);
    return vcpu;
  }

  /**
   * Registers (`buffered`) or removes a coalesced port I/O zone for ports `[port, port + size)`
   * (KVM_REGISTER_COALESCED_MMIO with `pio = 1`): KVM then appends the guest's writes there to
   * the VM's ring and resumes the guest at once, and {@link KvmVcpu.run} delivers them before
   * the next exit; a write nothing follows waits for the next exit, so the caller kicks the vCPU
   * now and then while a zone exists. Returns false, and changes nothing, when this KVM cannot
   * (no KVM_CAP_COALESCED_PIO, not x86, or KVM refuses the zone: the writes then exit as
   * before). Removing a zone that KVM will not remove throws {@link KvmError}. Registering a
   * zone twice or removing one that is not registered does nothing. Use it on a VM of one
   * vCPU: the ring is the VM's, and only one thread may drain it.
   */
  bufferPortWrites(port: number, size: number, buffered: boolean): boolean {
    if (this.#coalescedRingPlace() === undefined) return false;
    const key = `${port}+${size}`;
    if (this.#bufferedZones.has(key) === buffered) return true;
    const zone = encodePioZone(port, size);
    if (buffered) {
      this.#checkOpen('KVM_REGISTER_COALESCED_MMIO');
      if (this.#libc.ioctlBuffer(this.vmFd, KVM_REGISTER_COALESCED_MMIO, zone) < 0) return false;
      this.#bufferedZones.add(key);
    } else {
      this.#ioctlBuffer('KVM_UNREGISTER_COALESCED_MMIO', KVM_UNREGISTER_COALESCED_MMIO, zone, key);
      this.#bufferedZones.delete(key);
    }
    return true;
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
   * in-kernel devices, the vCPU fds made up front, the VM and `/dev/kvm` descriptors, and
   * frees guest RAM: the pages are dropped and the address range is left holding fresh zero
   * pages, so a view kept past `close` reads zeros instead of crashing the process. Safe to
   * call twice.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const vcpu of this.#vcpus) vcpu.close();
    this.#vcpus.clear();
    if (!this.#owner) return;
    for (const device of this.#devices.splice(0)) device.close();
    for (const fd of this.#upFrontVcpuFds.splice(0)) this.#libc.close(fd);
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

  /** Where each vCPU's mapping holds the coalesced ring, if KVM buffers port writes (x86). */
  #coalescedRingPlace(): CoalescedRingPlace | undefined {
    if (this.#ringPlace === undefined) {
      const page =
        this.arch === 'x86_64' && this.system.checkExtension(KvmCap.COALESCED_PIO) > 0
          ? this.system.checkExtension(KvmCap.COALESCED_MMIO)
          : 0;
      this.#ringPlace =
        page > 0 ? { offset: page * X86_PAGE_SIZE, size: X86_PAGE_SIZE } : 'unsupported';
    }
    return this.#ringPlace === 'unsupported' ? undefined : this.#ringPlace;
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

  #checkVcpuId(id: number): void {
    if (!Number.isSafeInteger(id) || id < 0 || id >= this.vcpuCount) {
      throw new VmmError(`vCPU id ${id} is outside this VM's 0..${this.vcpuCount - 1}`);
    }
  }

  #checkOpen(name: string): void {
    if (this.#closed) throw new KvmError(name, Errno.EBADF, 'the VM is closed');
  }
}
