import { DarwinMman } from './bindings/darwin-mman.js';
import { HV_PAGE_SIZE, HvExitReason, HvInterruptType, HvReturn } from './bindings/hv-constants.js';
import { HV_VCPU_EXIT_LAYOUT } from './bindings/hv-vcpu-exit.js';
import type {
  HvApi,
  HvIpaSizeResult,
  HvSizeResult,
  HvSpiRangeResult,
  HvValueResult,
  HvVcpuCreateResult,
  MachTimebase,
} from './hv-api.js';

/** One scripted guest exit of a {@link FakeVcpu}. */
export interface FakeVcpuStep {
  /** The `HvExitReason` (default EXCEPTION). */
  readonly reason?: number;
  /** ESR_EL2 of the exit (default 0). */
  readonly syndrome?: bigint;
  /** FAR_EL2 (default 0). */
  readonly virtualAddress?: bigint;
  /** The faulting IPA (default 0). */
  readonly physicalAddress?: bigint;
  /** What the "guest" does before exiting: typically sets registers on `vcpu`. */
  readonly guest?: (vcpu: FakeVcpu) => void;
}

/** GIC parameters the fake framework reports. */
export interface FakeGicParameters {
  /** `hv_gic_get_distributor_size`. */
  readonly distributorSize: number;
  /** `hv_gic_get_distributor_base_alignment`. */
  readonly distributorAlignment: number;
  /** `hv_gic_get_redistributor_size`. */
  readonly redistributorSize: number;
  /** `hv_gic_get_redistributor_region_size`. */
  readonly redistributorRegionSize: number;
  /** `hv_gic_get_redistributor_base_alignment`. */
  readonly redistributorAlignment: number;
  /** `hv_gic_get_msi_region_size`. */
  readonly msiSize: number;
  /** `hv_gic_get_msi_region_base_alignment`. */
  readonly msiAlignment: number;
  /** `hv_gic_get_spi_interrupt_range` base. */
  readonly spiBase: number;
  /** `hv_gic_get_spi_interrupt_range` count. */
  readonly spiCount: number;
}

/**
 * Illustrative GIC parameters: GICv3's architectural frame sizes (a 64 KiB distributor, two
 * 64 KiB frames per redistributor) with 64 KiB alignments, which the aarch64 layout meets (its
 * addresses are the ones rust-vm used on real Macs). A Mac reports its own through the same
 * calls, and `HvpVirt.createIrqChip` checks them.
 */
export const FAKE_GIC_PARAMETERS: FakeGicParameters = {
  distributorSize: 0x1_0000,
  distributorAlignment: 0x1_0000,
  redistributorSize: 0x2_0000,
  redistributorRegionSize: 0x2_0000 * 64,
  redistributorAlignment: 0x1_0000,
  msiSize: 0x1_0000,
  msiAlignment: 0x1_0000,
  spiBase: 32,
  spiCount: 988,
};

/** How a {@link FakeHvApi} behaves. */
export interface FakeHvApiOptions {
  /** What `hv_vm_create` answers (default HV_SUCCESS; e.g. HV_DENIED). */
  readonly vmCreateStatus?: number;
  /** Whether the `hv_gic_*` functions exist (default true: macOS 15). */
  readonly gicSupported?: boolean;
  /** GIC parameters to report (default {@link FAKE_GIC_PARAMETERS}). */
  readonly gic?: Partial<FakeGicParameters>;
  /** The host timebase (default 125/3: Apple silicon's 24 MHz counter). */
  readonly timebase?: MachTimebase;
  /**
   * Start as if the process already had a VM: the fake a worker thread uses to attach to a VM
   * another thread created (default false).
   */
  readonly vmExists?: boolean;
  /** With {@link vmExists}: the VM already has its GIC (default false). */
  readonly gicExists?: boolean;
  /**
   * The IPA sizes to report, in bits: what a VM gets unless its configuration sets one, and
   * the most it may be given (default 36 and 40, an M1's).
   */
  readonly ipaSize?: { readonly default: number; readonly max: number };
}

/** A GIC configuration as the fake recorded it. */
export interface FakeGicConfig {
  /** Distributor base, if set. */
  distributorBase?: bigint;
  /** Redistributor base, if set. */
  redistributorBase?: bigint;
  /** MSI region base, if set. */
  msiRegionBase?: bigint;
  /** MSI INTID range, if set. */
  msiRange?: { readonly base: number; readonly count: number };
}

/**
 * A fake vCPU: registers in maps, its `hv_vcpu_exit_t` in a buffer, and a queue of scripted
 * exits that `hv_vcpu_run` replays in order.
 */
export class FakeVcpu {
  /** General registers, PC, CPSR… by `hv_reg_t` (absent = 0). */
  readonly registers = new Map<number, bigint>();
  /** System registers by `hv_sys_reg_t` (absent = 0). */
  readonly sysRegisters = new Map<number, bigint>();
  /** The vCPU's `hv_vcpu_exit_t`. */
  readonly exit = new Uint8Array(HV_VCPU_EXIT_LAYOUT.size);
  /** Exits still to come. */
  readonly steps: FakeVcpuStep[] = [];
  /** Redistributor writes (`hv_gic_set_redistributor_reg`), in order. */
  readonly redistributorWrites: Array<{ readonly reg: number; readonly value: bigint }> = [];
  /** Whether an IRQ is pending for the next run (`hv_vcpu_set_pending_interrupt`). */
  irqPending = false;
  /** How many runs entered the guest with an IRQ pending (the framework consumes it). */
  runsWithIrq = 0;
  /** The virtual timer mask (`hv_vcpu_set_vtimer_mask`). */
  vtimerMasked = false;
  /** The virtual timer offset (`hv_vcpu_get_vtimer_offset`). */
  vtimerOffset = 0n;
  /** Set by `hv_vcpus_exit`: the next run returns CANCELED at once. */
  exitRequested = false;
  /** How many times `hv_vcpu_run` ran. */
  runs = 0;
  /** Whether `hv_vcpu_destroy` was called. */
  destroyed = false;

  /** A fake vCPU with handle `handle`. */
  constructor(
    /** Its `hv_vcpu_t`. */
    readonly handle: bigint,
  ) {}

  /** Register `reg` (`hv_reg_t`). */
  reg(reg: number): bigint {
    return this.registers.get(reg) ?? 0n;
  }

  /** System register `reg` (`hv_sys_reg_t`). */
  sysReg(reg: number): bigint {
    return this.sysRegisters.get(reg) ?? 0n;
  }

  /** Appends exits to the script. */
  script(...steps: FakeVcpuStep[]): this {
    this.steps.push(...steps);
    return this;
  }
}

/**
 * An {@link HvApi} without Hypervisor.framework, for tests on any OS: it keeps VM, memory, GIC
 * and vCPU state in JS and replays scripted exits. It follows the framework's rules that
 * matter to the backend: one VM at a time (HV_BUSY), the GIC before vCPUs, `hv_vcpus_exit` on
 * an idle vCPU cancelling its next run, the vtimer masked on VTIMER_ACTIVATED. Running a vCPU
 * with no scripted exit left throws, so a test cannot hang on a missing step.
 */
export class FakeHvApi implements HvApi {
  /** Whether the `hv_gic_*` functions exist. */
  readonly gicSupported: boolean;
  /** Every `hv_vm_map`, in order. */
  readonly maps: Array<{ hostAddress: bigint; ipa: bigint; size: number; flags: number }> = [];
  /** Every `hv_gic_set_spi`, in order. */
  readonly spiLevels: Array<{ readonly intid: number; readonly level: boolean }> = [];
  /** Every `hv_vcpus_exit`, in order. */
  readonly exitRequests: bigint[][] = [];
  /** The GIC configuration passed to `hv_gic_create`, once created. */
  gic: FakeGicConfig | undefined;
  /** Whether a VM exists. */
  vmExists = false;
  /** The IPA size of the VM, in bits, once created; `hv_vm_map` refuses IPAs beyond it. */
  vmIpaBits: number | undefined;
  /** The host tick counter `mach_absolute_time` returns; tests move it. */
  clock = 0n;
  readonly #vmCreateStatus: number;
  readonly #gicParameters: FakeGicParameters;
  readonly #timebase: MachTimebase;
  readonly #vcpus = new Map<bigint, FakeVcpu>();
  readonly #allocations = new Map<bigint, Uint8Array>();
  readonly #gicConfigs = new Map<bigint, FakeGicConfig>();
  readonly #ipaSize: { readonly default: number; readonly max: number };
  /** IPA sizes set on VM configurations, by configuration. */
  readonly #configIpaBits = new Map<bigint, number>();
  #nextVcpu = 0n;
  #nextAddress = 0x1_0000_0000n;
  #nextObject = 0x10n;

  /** A fake framework behaving as `options` say. */
  constructor(options: FakeHvApiOptions = {}) {
    this.#vmCreateStatus = options.vmCreateStatus ?? HvReturn.SUCCESS;
    this.gicSupported = options.gicSupported ?? true;
    this.#gicParameters = { ...FAKE_GIC_PARAMETERS, ...options.gic };
    this.#timebase = options.timebase ?? { numer: 125, denom: 3 };
    this.#ipaSize = options.ipaSize ?? { default: 36, max: 40 };
    this.vmExists = options.vmExists ?? false;
    if (this.vmExists && options.gicExists === true) this.gic = {};
  }

  /** The fake vCPU behind `handle` (throws if there is none). */
  vcpu(handle: bigint): FakeVcpu {
    const vcpu = this.#vcpus.get(handle);
    if (vcpu === undefined) throw new Error(`fake framework: no vCPU ${handle}`);
    return vcpu;
  }

  /** Every vCPU created so far, in creation order. */
  get vcpus(): FakeVcpu[] {
    return [...this.#vcpus.values()];
  }

  /** Fake `hv_vm_config_create`. */
  vmConfigCreate(): bigint {
    return this.#object();
  }

  /** Fake `hv_vm_config_get_default_ipa_size`. */
  vmConfigGetDefaultIpaSize(): HvIpaSizeResult {
    return { status: HvReturn.SUCCESS, bits: this.#ipaSize.default };
  }

  /** Fake `hv_vm_config_get_max_ipa_size`. */
  vmConfigGetMaxIpaSize(): HvIpaSizeResult {
    return { status: HvReturn.SUCCESS, bits: this.#ipaSize.max };
  }

  /** Fake `hv_vm_config_set_ipa_size`: HV_BAD_ARGUMENT past the maximum. */
  vmConfigSetIpaSize(config: bigint, bits: number): number {
    if (bits > this.#ipaSize.max) return HvReturn.BAD_ARGUMENT;
    this.#configIpaBits.set(config, bits);
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vm_create`: the configured status, HV_BUSY if a VM exists. */
  vmCreate(config: bigint): number {
    if (this.#vmCreateStatus !== HvReturn.SUCCESS) return this.#vmCreateStatus;
    if (this.vmExists) return HvReturn.BUSY;
    this.vmExists = true;
    this.vmIpaBits = this.#configIpaBits.get(config) ?? this.#ipaSize.default;
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vm_destroy`. */
  vmDestroy(): number {
    if (!this.vmExists) return HvReturn.NO_DEVICE;
    this.vmExists = false;
    this.gic = undefined;
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vm_map`: checks 16 KiB alignment and records the mapping. */
  vmMap(hostAddress: bigint, ipa: bigint, size: number, flags: number): number {
    const page = BigInt(HV_PAGE_SIZE);
    if (!this.vmExists) return HvReturn.NO_DEVICE;
    if (hostAddress % page !== 0n || ipa % page !== 0n || size % HV_PAGE_SIZE !== 0) {
      return HvReturn.BAD_ARGUMENT;
    }
    if (ipa + BigInt(size) > 1n << BigInt(this.vmIpaBits ?? this.#ipaSize.default)) {
      return HvReturn.BAD_ARGUMENT;
    }
    this.maps.push({ hostAddress, ipa, size, flags });
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vm_unmap`. */
  vmUnmap(ipa: bigint, size: number): number {
    const index = this.maps.findIndex((map) => map.ipa === ipa && map.size === size);
    if (index < 0) return HvReturn.BAD_ARGUMENT;
    this.maps.splice(index, 1);
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vcpu_create`. */
  vcpuCreate(): HvVcpuCreateResult {
    if (!this.vmExists) return { status: HvReturn.NO_DEVICE, vcpu: 0n, exit: new Uint8Array(0) };
    const vcpu = new FakeVcpu(this.#nextVcpu++);
    this.#vcpus.set(vcpu.handle, vcpu);
    return { status: HvReturn.SUCCESS, vcpu: vcpu.handle, exit: vcpu.exit };
  }

  /** Fake `hv_vcpu_destroy`. */
  vcpuDestroy(vcpu: bigint): number {
    this.vcpu(vcpu).destroyed = true;
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vcpu_run`: CANCELED if an exit was requested, else the next scripted exit. */
  vcpuRun(handle: bigint): number {
    const vcpu = this.vcpu(handle);
    vcpu.runs++;
    if (vcpu.irqPending) vcpu.runsWithIrq++;
    vcpu.irqPending = false;
    const view = new DataView(vcpu.exit.buffer, vcpu.exit.byteOffset, vcpu.exit.byteLength);
    if (vcpu.exitRequested) {
      vcpu.exitRequested = false;
      view.setUint32(HV_VCPU_EXIT_LAYOUT.reason, HvExitReason.CANCELED, true);
      return HvReturn.SUCCESS;
    }
    const step = vcpu.steps.shift();
    if (step === undefined) {
      throw new Error(`fake framework: hv_vcpu_run on vCPU ${handle} with no scripted exit left`);
    }
    step.guest?.(vcpu);
    const reason = step.reason ?? HvExitReason.EXCEPTION;
    if (reason === HvExitReason.VTIMER_ACTIVATED) vcpu.vtimerMasked = true;
    view.setUint32(HV_VCPU_EXIT_LAYOUT.reason, reason, true);
    view.setBigUint64(HV_VCPU_EXIT_LAYOUT.syndrome, step.syndrome ?? 0n, true);
    view.setBigUint64(HV_VCPU_EXIT_LAYOUT.virtualAddress, step.virtualAddress ?? 0n, true);
    view.setBigUint64(HV_VCPU_EXIT_LAYOUT.physicalAddress, step.physicalAddress ?? 0n, true);
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vcpu_get_reg`. */
  vcpuGetReg(vcpu: bigint, reg: number): HvValueResult {
    return { status: HvReturn.SUCCESS, value: this.vcpu(vcpu).reg(reg) };
  }

  /** Fake `hv_vcpu_set_reg`. */
  vcpuSetReg(vcpu: bigint, reg: number, value: bigint): number {
    this.vcpu(vcpu).registers.set(reg, BigInt.asUintN(64, value));
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vcpu_get_sys_reg`. */
  vcpuGetSysReg(vcpu: bigint, reg: number): HvValueResult {
    return { status: HvReturn.SUCCESS, value: this.vcpu(vcpu).sysReg(reg) };
  }

  /** Fake `hv_vcpu_set_sys_reg`. */
  vcpuSetSysReg(vcpu: bigint, reg: number, value: bigint): number {
    this.vcpu(vcpu).sysRegisters.set(reg, BigInt.asUintN(64, value));
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vcpu_set_pending_interrupt` (IRQ only is modelled). */
  vcpuSetPendingInterrupt(vcpu: bigint, type: number, pending: boolean): number {
    if (type !== HvInterruptType.IRQ && type !== HvInterruptType.FIQ) return HvReturn.BAD_ARGUMENT;
    if (type === HvInterruptType.IRQ) this.vcpu(vcpu).irqPending = pending;
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vcpu_set_vtimer_mask`. */
  vcpuSetVtimerMask(vcpu: bigint, masked: boolean): number {
    this.vcpu(vcpu).vtimerMasked = masked;
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_vcpu_get_vtimer_offset`. */
  vcpuGetVtimerOffset(vcpu: bigint): HvValueResult {
    return { status: HvReturn.SUCCESS, value: this.vcpu(vcpu).vtimerOffset };
  }

  /** Fake `hv_vcpus_exit`: the named vCPUs' next run returns CANCELED. */
  vcpusExit(vcpus: readonly bigint[]): number {
    this.exitRequests.push([...vcpus]);
    for (const handle of vcpus) {
      const vcpu = this.#vcpus.get(handle);
      if (vcpu !== undefined) vcpu.exitRequested = true;
    }
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_gic_config_create`. */
  gicConfigCreate(): bigint {
    if (!this.gicSupported) return 0n;
    const config = this.#object();
    this.#gicConfigs.set(config, {});
    return config;
  }

  /** Fake `hv_gic_config_set_distributor_base`. */
  gicConfigSetDistributorBase(config: bigint, ipa: bigint): number {
    return this.#configure(config, (gic) => (gic.distributorBase = ipa));
  }

  /** Fake `hv_gic_config_set_redistributor_base`. */
  gicConfigSetRedistributorBase(config: bigint, ipa: bigint): number {
    return this.#configure(config, (gic) => (gic.redistributorBase = ipa));
  }

  /** Fake `hv_gic_config_set_msi_region_base`. */
  gicConfigSetMsiRegionBase(config: bigint, ipa: bigint): number {
    return this.#configure(config, (gic) => (gic.msiRegionBase = ipa));
  }

  /** Fake `hv_gic_config_set_msi_interrupt_range`: must lie inside the SPI range. */
  gicConfigSetMsiInterruptRange(config: bigint, base: number, count: number): number {
    const { spiBase, spiCount } = this.#gicParameters;
    if (base < spiBase || base + count > spiBase + spiCount) return HvReturn.BAD_ARGUMENT;
    return this.#configure(config, (gic) => (gic.msiRange = { base, count }));
  }

  /** Fake `hv_gic_create`: needs a VM, no vCPU yet, and no GIC already. */
  gicCreate(config: bigint): number {
    if (!this.gicSupported) return HvReturn.UNSUPPORTED;
    const gic = this.#gicConfigs.get(config);
    if (gic === undefined) return HvReturn.BAD_ARGUMENT;
    if (!this.vmExists) return HvReturn.NO_DEVICE;
    if (this.gic !== undefined) return HvReturn.BUSY;
    if (this.#vcpus.size > 0) return HvReturn.BAD_ARGUMENT;
    this.gic = { ...gic };
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_gic_set_spi`: records the level of a valid SPI. */
  gicSetSpi(intid: number, level: boolean): number {
    if (this.gic === undefined) return HvReturn.NO_DEVICE;
    const { spiBase, spiCount } = this.#gicParameters;
    if (intid < spiBase || intid >= spiBase + spiCount) return HvReturn.BAD_ARGUMENT;
    this.spiLevels.push({ intid, level });
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_gic_set_redistributor_reg`: records the write. */
  gicSetRedistributorReg(vcpu: bigint, reg: number, value: bigint): number {
    if (this.gic === undefined) return HvReturn.NO_DEVICE;
    this.vcpu(vcpu).redistributorWrites.push({ reg, value });
    return HvReturn.SUCCESS;
  }

  /** Fake `hv_gic_get_distributor_size`. */
  gicGetDistributorSize(): HvSizeResult {
    return this.#size(this.#gicParameters.distributorSize);
  }

  /** Fake `hv_gic_get_distributor_base_alignment`. */
  gicGetDistributorBaseAlignment(): HvSizeResult {
    return this.#size(this.#gicParameters.distributorAlignment);
  }

  /** Fake `hv_gic_get_redistributor_region_size`. */
  gicGetRedistributorRegionSize(): HvSizeResult {
    return this.#size(this.#gicParameters.redistributorRegionSize);
  }

  /** Fake `hv_gic_get_redistributor_size`. */
  gicGetRedistributorSize(): HvSizeResult {
    return this.#size(this.#gicParameters.redistributorSize);
  }

  /** Fake `hv_gic_get_redistributor_base_alignment`. */
  gicGetRedistributorBaseAlignment(): HvSizeResult {
    return this.#size(this.#gicParameters.redistributorAlignment);
  }

  /** Fake `hv_gic_get_msi_region_size`. */
  gicGetMsiRegionSize(): HvSizeResult {
    return this.#size(this.#gicParameters.msiSize);
  }

  /** Fake `hv_gic_get_msi_region_base_alignment`. */
  gicGetMsiRegionBaseAlignment(): HvSizeResult {
    return this.#size(this.#gicParameters.msiAlignment);
  }

  /** Fake `hv_gic_get_spi_interrupt_range`. */
  gicGetSpiInterruptRange(): HvSpiRangeResult {
    if (!this.gicSupported) return { status: HvReturn.UNSUPPORTED, base: 0, count: 0 };
    const { spiBase, spiCount } = this.#gicParameters;
    return { status: HvReturn.SUCCESS, base: spiBase, count: spiCount };
  }

  /** Fake `os_release`. */
  osRelease(object: bigint): void {
    this.#gicConfigs.delete(object);
    this.#configIpaBits.delete(object);
  }

  /** Fake `mmap`: zeroed JS memory at a made-up, 16 KiB aligned address. */
  mmapAnonymous(size: number): bigint {
    if (size <= 0) return DarwinMman.MAP_FAILED;
    const address = this.#nextAddress;
    const pages = Math.ceil(size / HV_PAGE_SIZE);
    this.#nextAddress += BigInt((pages + 1) * HV_PAGE_SIZE);
    this.#allocations.set(address, new Uint8Array(size));
    return address;
  }

  /** Fake `munmap`. */
  munmap(address: bigint): number {
    return this.#allocations.delete(address) ? 0 : -1;
  }

  /** Fake `errno`: always 0. */
  errno(): number {
    return 0;
  }

  /** A view of fake memory: must lie inside one allocation. */
  view(address: bigint, size: number): Uint8Array {
    for (const [start, bytes] of this.#allocations) {
      const offset = address - start;
      if (offset >= 0n && offset + BigInt(size) <= BigInt(bytes.length)) {
        return bytes.subarray(Number(offset), Number(offset) + size);
      }
    }
    throw new RangeError(
      `fake framework: no allocation holds ${size} bytes at 0x${address.toString(16)}`,
    );
  }

  /** Fake `mach_absolute_time`: {@link clock}. */
  machAbsoluteTime(): bigint {
    return this.clock;
  }

  /** Fake `mach_timebase_info`. */
  machTimebaseInfo(): MachTimebase {
    return this.#timebase;
  }

  #configure(config: bigint, set: (gic: FakeGicConfig) => void): number {
    const gic = this.#gicConfigs.get(config);
    if (gic === undefined) return HvReturn.BAD_ARGUMENT;
    set(gic);
    return HvReturn.SUCCESS;
  }

  #size(value: number): HvSizeResult {
    return this.gicSupported
      ? { status: HvReturn.SUCCESS, size: value }
      : { status: HvReturn.UNSUPPORTED, size: 0 };
  }

  #object(): bigint {
    const object = this.#nextObject;
    this.#nextObject += 0x10n;
    return object;
  }
}
