import {
  VmmError,
  aarch64Layout,
  hex,
  type HostMemory,
  type MemorySlot,
  type Virt,
  type VirtHandle,
  type VirtOptions,
} from '@vmm/core';
import { DarwinMman } from './bindings/darwin-mman.js';
import { GIC_SPI_BASE, HV_PAGE_SIZE, HvMemory, HvReturn } from './bindings/hv-constants.js';
import type { HvApi, HvSizeResult } from './hv-api.js';
import { HvError } from './hv-error.js';
import { parseHvpHandle, parseHvpKickHandle, type HvpHandle } from './hvp-handle.js';
import { HvpInterruptController, WIRED_SPI_COUNT } from './hvp-interrupt-controller.js';
import { HvpUnavailableError } from './hvp-unavailable-error.js';
import { HvpVcpu } from './hvp-vcpu.js';
import { configureIpaSize } from './ipa-size.js';
import { loadHvApi } from './koffi-hv-api.js';
import { SharedVmState } from './shared-vm-state.js';

/** The largest single guest RAM allocation: the largest view Node makes of native memory. */
const MAX_ALLOCATION = 2 ** 32;

/** First INTID of the MSI range the GIC is configured with (right above the wired SPIs). */
export const GIC_MSI_INTID_BASE = GIC_SPI_BASE + WIRED_SPI_COUNT;
/** Number of MSI INTIDs (as rust-vm configures: 256..511). */
export const GIC_MSI_INTID_COUNT = 256;

/** Where the GIC sits and how large the framework made its parts (for the device tree). */
export interface HvpGicLayout {
  /** Guest physical address of the distributor (`aarch64Layout.GIC_DISTRIBUTOR`). */
  readonly distributorBase: bigint;
  /** Size of the distributor region in bytes. */
  readonly distributorSize: number;
  /** Guest physical address of the first redistributor (`aarch64Layout.GIC_REDISTRIBUTOR`). */
  readonly redistributorBase: bigint;
  /** Size of one vCPU's redistributor in bytes. */
  readonly redistributorSize: number;
  /** Size of the whole redistributor region (every vCPU the framework supports) in bytes. */
  readonly redistributorRegionSize: number;
  /** Guest physical address of the MSI frame (`aarch64Layout.GIC_MSI`). */
  readonly msiBase: bigint;
  /** Size of the MSI region in bytes. */
  readonly msiSize: number;
  /** The lowest SPI INTID the framework supports. */
  readonly spiBase: number;
  /** How many SPIs it supports. */
  readonly spiCount: number;
}

/** A host mapping made by {@link HvpVirt.allocateMemory}. */
interface Allocation {
  readonly address: bigint;
  readonly size: number;
}

/**
 * The process's Hypervisor.framework VM, implementing {@link Virt} for aarch64 guests on
 * Apple silicon. The framework allows one VM per process, owned by the whole process:
 * {@link HvpVirt.create} makes it (`hv_vm_create`) on the main thread, and each vCPU worker
 * thread {@link HvpVirt.attach}es with the {@link handle} and creates its vCPU there
 * ({@link createVcpu}, because `hv_vcpu_create` binds the vCPU to the calling thread). All
 * native calls go through an {@link HvApi}: the real one on macOS, `FakeHvApi` in tests.
 */
export class HvpVirt implements Virt {
  /** The guest architecture. */
  readonly arch = 'aarch64' as const;
  /** The GIC's SPIs (`hv_gic_set_spi`), usable from any thread once the GIC exists. */
  readonly interrupts: HvpInterruptController;
  readonly #api: HvApi;
  readonly #state: SharedVmState;
  readonly #owner: boolean;
  readonly #allocations: Allocation[] = [];
  readonly #mappings: MemorySlot[] = [];
  readonly #vcpus = new Set<HvpVcpu>();
  #gic: HvpGicLayout | undefined;
  #closed = false;

  private constructor(api: HvApi, state: SharedVmState, owner: boolean) {
    this.#api = api;
    this.#state = state;
    this.#owner = owner;
    this.interrupts = new HvpInterruptController(api, state);
  }

  /**
   * Creates the process's VM (`hv_vm_config_create`, `hv_vm_create`), with an IPA space that
   * reaches `options.guestAddressSpan` (a `GuestAddressSpaceError` when the framework's
   * maximum does not), and the state its threads share. Without `api`, checks that this is
   * macOS on arm64 and loads the framework. Throws {@link HvpUnavailableError} when the host
   * cannot run it (with the signing steps when the entitlement is missing) and a
   * {@link VmmError} if this process already has a VM or `options.hiddenCpuFeatures` names any
   * feature (hvp cannot hide arm64 features).
   */
  static create(options: VirtOptions, api?: HvApi): HvpVirt {
    const { vcpus } = options;
    if (!Number.isSafeInteger(vcpus) || vcpus < 1) {
      throw new VmmError(`a VM needs a whole number of vCPUs, at least 1 (got ${vcpus})`);
    }
    if ((options.hiddenCpuFeatures ?? []).length > 0) {
      throw new VmmError('hiding CPU features works for x86_64 guests on KVM only, not on hvp');
    }
    const hv = api ?? loadHvApi();
    const config = hv.vmConfigCreate();
    let status: number;
    try {
      configureIpaSize(hv, config, options.guestAddressSpan);
      status = hv.vmCreate(config);
    } finally {
      hv.osRelease(config);
    }
    if (status === HvReturn.DENIED) throw HvpUnavailableError.entitlementMissing(process.execPath);
    if (status === HvReturn.BUSY) {
      throw new VmmError(
        'this process already has a Hypervisor.framework VM, and the framework allows one per ' +
          'process: close() the existing hvp VM before creating another',
      );
    }
    if (status !== HvReturn.SUCCESS) throw new HvError('hv_vm_create', status);
    const state = SharedVmState.create(vcpus);
    state.publish();
    return new HvpVirt(hv, state, true);
  }

  /**
   * Attaches to the VM `handle` describes from a vCPU worker thread of the same process. The
   * worker must have been started after {@link create}: the VM's shared state reaches it as
   * worker_threads environment data. Without `api`, loads the framework in this thread.
   */
  static attach(handle: VirtHandle, api?: HvApi): HvpVirt {
    const { token } = parseHvpHandle(handle);
    const state = SharedVmState.find(token);
    if (state === undefined) {
      throw new VmmError(
        'this thread cannot see the hvp VM: attach from the thread that created it or from a ' +
          'worker thread started after HvpVirt.create (the VM state travels in worker_threads ' +
          'environment data)',
      );
    }
    return new HvpVirt(api ?? loadHvApi(), state, false);
  }

  /** The vCPU count and shared-state token a worker passes to {@link attach}. */
  get handle(): HvpHandle {
    return { backend: 'hvp', vcpus: this.#state.vcpuCount, token: this.#state.token };
  }

  /** Where the GIC sits and the sizes the framework reported; undefined before createIrqChip. */
  get gic(): HvpGicLayout | undefined {
    return this.#gic;
  }

  /**
   * Creates the in-kernel GICv3 (macOS 15+) at the aarch64 layout's addresses: distributor at
   * `GIC_DISTRIBUTOR`, redistributors at `GIC_REDISTRIBUTOR`, MSI frame at `GIC_MSI` with
   * INTIDs 256..511 for MSIs. Checks the framework's alignments and sizes against the layout
   * first. Call once, on the creating thread, before any vCPU exists. Throws
   * {@link HvpUnavailableError} on macOS before 15.
   */
  createIrqChip(): void {
    this.#checkOpen('hv_gic_create');
    if (!this.#owner) {
      throw new VmmError('create the GIC on the thread that created the VM, not in a worker');
    }
    if (this.#state.gicCreated) throw new VmmError('this VM already has a GIC');
    if (this.#state.anyVcpuCreated) {
      throw new VmmError('create the GIC before any vCPU: the framework sizes it at creation');
    }
    const api = this.#api;
    if (!api.gicSupported) throw HvpUnavailableError.gicMissing();
    const layout = this.#checkedGicLayout();
    const config = api.gicConfigCreate();
    if (config === 0n)
      throw new HvError('hv_gic_config_create', HvReturn.ERROR, 'no configuration');
    try {
      this.#gicCall(
        'hv_gic_config_set_distributor_base',
        api.gicConfigSetDistributorBase(config, layout.distributorBase),
      );
      this.#gicCall(
        'hv_gic_config_set_redistributor_base',
        api.gicConfigSetRedistributorBase(config, layout.redistributorBase),
      );
      this.#gicCall(
        'hv_gic_config_set_msi_region_base',
        api.gicConfigSetMsiRegionBase(config, layout.msiBase),
      );
      this.#gicCall(
        'hv_gic_config_set_msi_interrupt_range',
        api.gicConfigSetMsiInterruptRange(config, GIC_MSI_INTID_BASE, GIC_MSI_INTID_COUNT),
      );
      this.#gicCall('hv_gic_create', api.gicCreate(config));
    } finally {
      api.osRelease(config);
    }
    const spis = api.gicGetSpiInterruptRange();
    this.#gicCall('hv_gic_get_spi_interrupt_range', spis.status);
    if (spis.base > GIC_SPI_BASE || spis.base + spis.count < GIC_SPI_BASE + WIRED_SPI_COUNT) {
      throw new VmmError(
        `the framework's GIC has SPIs ${spis.base}..${spis.base + spis.count - 1}, and vmm ` +
          `wires devices to INTIDs ${GIC_SPI_BASE}..${GIC_SPI_BASE + WIRED_SPI_COUNT - 1}`,
      );
    }
    this.#gic = { ...layout, spiBase: spis.base, spiCount: spis.count };
    this.#state.markGicCreated();
  }

  /**
   * Maps `size` bytes of zeroed host memory for guest RAM (`mmap`, anonymous and private:
   * every thread of the process sees it). `size` must be a multiple of the 16 KiB Apple
   * silicon page and at most 4 GiB. Released by the owner's {@link close}.
   */
  allocateMemory(size: number): HostMemory {
    this.#checkOpen('mmap');
    if (!Number.isSafeInteger(size) || size <= 0 || size % HV_PAGE_SIZE !== 0) {
      throw new VmmError(
        `guest RAM must be a positive multiple of ${HV_PAGE_SIZE} bytes (the 16 KiB Apple ` +
          `silicon page), got ${size}`,
      );
    }
    if (size > MAX_ALLOCATION) {
      throw new VmmError(
        `cannot allocate ${size} bytes of guest RAM in one piece: Node views native memory at ` +
          `most ${MAX_ALLOCATION} bytes (4 GiB) at a time; split RAM into regions that fit`,
      );
    }
    const address = this.#api.mmapAnonymous(size);
    if (address === DarwinMman.MAP_FAILED) {
      throw new VmmError(
        `mmap of ${size} bytes for guest RAM failed (errno ${this.#api.errno()}): is the host out of memory?`,
      );
    }
    this.#allocations.push({ address, size });
    return { hostAddress: address, bytes: this.#api.view(address, size) };
  }

  /** A view of `size` bytes at `hostAddress`, memory {@link allocateMemory} mapped. */
  viewMemory(hostAddress: bigint, size: number): Uint8Array {
    if (hostAddress <= 0n || !Number.isSafeInteger(size) || size < 0 || size > MAX_ALLOCATION) {
      throw new VmmError(
        `cannot view ${size} bytes at host address ${hex(hostAddress)}: a view covers 0 to ` +
          '4 GiB of memory allocateMemory mapped',
      );
    }
    return this.#api.view(hostAddress, size);
  }

  /**
   * `hv_vm_map(host, guest, size, READ | WRITE | EXEC)`: maps the slot's host memory at its
   * guest physical address (RAM_BASE for the aarch64 layout). Addresses and size must be
   * 16 KiB aligned.
   */
  setUserMemoryRegion(slot: MemorySlot): void {
    this.#checkOpen('hv_vm_map');
    const page = BigInt(HV_PAGE_SIZE);
    if (
      slot.guestAddress % page !== 0n ||
      slot.hostAddress % page !== 0n ||
      slot.size <= 0 ||
      slot.size % HV_PAGE_SIZE !== 0
    ) {
      throw new VmmError(
        `memory slot ${slot.slot} (${slot.size} bytes at guest ${hex(slot.guestAddress)}, host ` +
          `${hex(slot.hostAddress)}) is not 16 KiB aligned, as hv_vm_map requires on Apple silicon`,
      );
    }
    const status = this.#api.vmMap(
      slot.hostAddress,
      slot.guestAddress,
      slot.size,
      HvMemory.READ | HvMemory.WRITE | HvMemory.EXEC,
    );
    if (status !== HvReturn.SUCCESS) {
      throw new HvError(
        'hv_vm_map',
        status,
        `slot ${slot.slot}: ${slot.size} bytes at guest ${hex(slot.guestAddress)}`,
      );
    }
    this.#mappings.push(slot);
  }

  /**
   * `hv_vcpu_create` on the calling thread, which then owns the vCPU: call it in the worker
   * thread that will run it. Sets its MPIDR_EL1 affinity to `id`. The vCPU starts powered off
   * (`setBootState` or a guest's PSCI CPU_ON starts it).
   */
  createVcpu(id: number): HvpVcpu {
    this.#checkOpen('hv_vcpu_create');
    const count = this.#state.vcpuCount;
    if (!Number.isSafeInteger(id) || id < 0 || id >= count) {
      throw new VmmError(`vCPU id ${id} is outside this VM's 0..${count - 1}`);
    }
    if (!this.#state.claimVcpu(id)) throw new VmmError(`vCPU ${id} has already been created`);
    const created = this.#api.vcpuCreate();
    if (created.status !== HvReturn.SUCCESS) {
      throw new HvError('hv_vcpu_create', created.status, `vCPU ${id}`);
    }
    let vcpu: HvpVcpu;
    try {
      vcpu = new HvpVcpu(id, created.vcpu, created.exit, this.#api, this.#state);
    } catch (error) {
      this.#api.vcpuDestroy(created.vcpu);
      throw error;
    }
    this.#vcpus.add(vcpu);
    return vcpu;
  }

  /**
   * Makes the vCPU that `kickHandle` names leave the guest from any thread: flags it,
   * `hv_vcpus_exit` for a vCPU inside `hv_vcpu_run`, and a wake-up for one sleeping in WFI or
   * waiting for CPU_ON. Its current or next `run()` returns `interrupted`.
   */
  kick(kickHandle: VirtHandle): void {
    const { vcpu, hvVcpu } = parseHvpKickHandle(kickHandle);
    this.#state.requestKick(vcpu);
    const status = this.#api.vcpusExit([hvVcpu]);
    if (status !== HvReturn.SUCCESS) throw new HvError('hv_vcpus_exit', status, `vCPU ${vcpu}`);
    this.#state.wake(vcpu);
  }

  /**
   * Destroys the vCPUs this thread created. The owner also unmaps guest RAM, destroys the VM
   * (`hv_vm_destroy`, after which the process may create another) and frees the memory.
   * Teardown is best effort: failures of these calls are ignored. Safe to call twice.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const vcpu of this.#vcpus) vcpu.close();
    this.#vcpus.clear();
    if (!this.#owner) return;
    for (const slot of this.#mappings.splice(0)) this.#api.vmUnmap(slot.guestAddress, slot.size);
    this.#api.vmDestroy();
    for (const { address, size } of this.#allocations.splice(0)) this.#api.munmap(address, size);
    this.#state.unpublish();
  }

  /** Queries the framework's GIC sizes and checks them against the aarch64 layout. */
  #checkedGicLayout(): Omit<HvpGicLayout, 'spiBase' | 'spiCount'> {
    const api = this.#api;
    const size = (call: string, result: HvSizeResult): number => {
      this.#gicCall(call, result.status);
      return result.size;
    };
    const distributorSize = size('hv_gic_get_distributor_size', api.gicGetDistributorSize());
    const distributorAlignment = size(
      'hv_gic_get_distributor_base_alignment',
      api.gicGetDistributorBaseAlignment(),
    );
    const redistributorSize = size('hv_gic_get_redistributor_size', api.gicGetRedistributorSize());
    const redistributorRegionSize = size(
      'hv_gic_get_redistributor_region_size',
      api.gicGetRedistributorRegionSize(),
    );
    const redistributorAlignment = size(
      'hv_gic_get_redistributor_base_alignment',
      api.gicGetRedistributorBaseAlignment(),
    );
    const msiSize = size('hv_gic_get_msi_region_size', api.gicGetMsiRegionSize());
    const msiAlignment = size(
      'hv_gic_get_msi_region_base_alignment',
      api.gicGetMsiRegionBaseAlignment(),
    );
    const layout = {
      distributorBase: aarch64Layout.GIC_DISTRIBUTOR,
      distributorSize,
      redistributorBase: aarch64Layout.GIC_REDISTRIBUTOR,
      redistributorSize,
      redistributorRegionSize,
      msiBase: aarch64Layout.GIC_MSI,
      msiSize,
    };
    const problems = [
      misaligned('distributor', layout.distributorBase, distributorAlignment),
      misaligned('redistributor', layout.redistributorBase, redistributorAlignment),
      misaligned('MSI region', layout.msiBase, msiAlignment),
      overlap(
        'distributor',
        layout.distributorBase,
        distributorSize,
        'redistributors',
        layout.redistributorBase,
      ),
      overlap(
        'redistributors',
        layout.redistributorBase,
        redistributorRegionSize,
        'MSI region',
        layout.msiBase,
      ),
      overlap('MSI region', layout.msiBase, msiSize, 'RAM', aarch64Layout.RAM_BASE),
      this.#state.vcpuCount * redistributorSize > redistributorRegionSize
        ? `${this.#state.vcpuCount} vCPUs need ${this.#state.vcpuCount} redistributors of ` +
          `${hex(redistributorSize)} bytes, more than the framework's region of ${hex(redistributorRegionSize)}`
        : undefined,
    ].filter((problem): problem is string => problem !== undefined);
    if (problems.length > 0) {
      throw new VmmError(
        `the aarch64 layout does not fit this Hypervisor.framework's GIC: ${problems.join('; ')}`,
      );
    }
    return layout;
  }

  #gicCall(call: string, status: number): void {
    if (status !== HvReturn.SUCCESS) throw new HvError(call, status, 'creating the GIC');
  }

  #checkOpen(call: string): void {
    if (this.#closed) throw new HvError(call, HvReturn.NO_DEVICE, 'the VM is closed');
  }
}

function misaligned(what: string, base: bigint, alignment: number): string | undefined {
  return alignment > 0 && base % BigInt(alignment) !== 0n
    ? `the ${what} base ${hex(base)} is not aligned to ${hex(alignment)}`
    : undefined;
}

function overlap(
  what: string,
  base: bigint,
  size: number,
  next: string,
  nextBase: bigint,
): string | undefined {
  return base + BigInt(size) > nextBase
    ? `the ${what} (${hex(size)} bytes at ${hex(base)}) runs into the ${next} at ${hex(nextBase)}`
    : undefined;
}
