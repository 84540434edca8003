/** An `hv_return_t` plus one 64-bit out-parameter. */
export interface HvValueResult {
  /** The call's `hv_return_t`, as an unsigned 32-bit number (`HvReturn.*`). */
  readonly status: number;
  /** The out-parameter (undefined content unless `status` is `HV_SUCCESS`). */
  readonly value: bigint;
}

/** An `hv_return_t` plus a `size_t` out-parameter. */
export interface HvSizeResult {
  /** The call's `hv_return_t`, as an unsigned 32-bit number. */
  readonly status: number;
  /** The size in bytes (0 unless `status` is `HV_SUCCESS`). */
  readonly size: number;
}

/** An `hv_return_t` plus an IPA bit length (`uint32_t *ipa_bit_length`). */
export interface HvIpaSizeResult {
  /** The call's `hv_return_t`, as an unsigned 32-bit number. */
  readonly status: number;
  /** The IPA size in bits (0 unless `status` is `HV_SUCCESS`). */
  readonly bits: number;
}

/** What `hv_vcpu_create` hands back. */
export interface HvVcpuCreateResult {
  /** The call's `hv_return_t`, as an unsigned 32-bit number. */
  readonly status: number;
  /** The new vCPU's `hv_vcpu_t`. */
  readonly vcpu: bigint;
  /** The framework's `hv_vcpu_exit_t` for this vCPU (32 bytes, refreshed by every run). */
  readonly exit: Uint8Array;
}

/** What `hv_gic_get_spi_interrupt_range` hands back. */
export interface HvSpiRangeResult {
  /** The call's `hv_return_t`, as an unsigned 32-bit number. */
  readonly status: number;
  /** The lowest SPI INTID. */
  readonly base: number;
  /** How many SPIs there are. */
  readonly count: number;
}

/** What `mach_timebase_info` hands back: nanoseconds = ticks * numer / denom. */
export interface MachTimebase {
  /** Numerator of the tick-to-nanosecond ratio. */
  readonly numer: number;
  /** Denominator of the tick-to-nanosecond ratio. */
  readonly denom: number;
}

/**
 * Every native call the hvp backend makes, one method per C function: Hypervisor.framework
 * (`hv_*`, `hv_gic_*`) and the few libSystem calls around it. Numbers and bigints go in; the
 * `hv_return_t` (unsigned) and out-parameters come back as values. The real implementation
 * ({@link loadHvApi}) binds them through koffi on macOS; `FakeHvApi` scripts them for tests on
 * any OS. Keeping this seam small is what lets the exit decoding, PSCI and register logic be
 * tested without a Mac.
 */
export interface HvApi {
  /** Whether the macOS 15 GIC functions (`hv_gic_*`) exist in this framework. */
  readonly gicSupported: boolean;

  /** `hv_vm_config_create()`: a VM configuration object (0n if none). */
  vmConfigCreate(): bigint;
  /** `hv_vm_config_get_default_ipa_size(&bits)`: the IPA size a VM gets unless set. */
  vmConfigGetDefaultIpaSize(): HvIpaSizeResult;
  /** `hv_vm_config_get_max_ipa_size(&bits)`: the largest IPA size a VM may be given. */
  vmConfigGetMaxIpaSize(): HvIpaSizeResult;
  /** `hv_vm_config_set_ipa_size(config, bits)`: the IPA size of a VM made from `config`. */
  vmConfigSetIpaSize(config: bigint, bits: number): number;
  /** `hv_vm_create(config)`: creates this process's VM (0n = default configuration). */
  vmCreate(config: bigint): number;
  /** `hv_vm_destroy()`: destroys this process's VM. */
  vmDestroy(): number;
  /** `hv_vm_map(addr, ipa, size, flags)`: maps host memory at guest physical `ipa`. */
  vmMap(hostAddress: bigint, ipa: bigint, size: number, flags: number): number;
  /** `hv_vm_unmap(ipa, size)`: removes a guest physical mapping. */
  vmUnmap(ipa: bigint, size: number): number;

  /** `hv_vcpu_create(&vcpu, &exit, NULL)`: creates a vCPU owned by the calling thread. */
  vcpuCreate(): HvVcpuCreateResult;
  /** `hv_vcpu_destroy(vcpu)` (owning thread only). */
  vcpuDestroy(vcpu: bigint): number;
  /** `hv_vcpu_run(vcpu)`: runs the guest until an exit (owning thread only). */
  vcpuRun(vcpu: bigint): number;
  /** `hv_vcpu_get_reg(vcpu, reg, &value)` with an `hv_reg_t`. */
  vcpuGetReg(vcpu: bigint, reg: number): HvValueResult;
  /** `hv_vcpu_set_reg(vcpu, reg, value)` with an `hv_reg_t`. */
  vcpuSetReg(vcpu: bigint, reg: number, value: bigint): number;
  /** `hv_vcpu_get_sys_reg(vcpu, reg, &value)` with an `hv_sys_reg_t`. */
  vcpuGetSysReg(vcpu: bigint, reg: number): HvValueResult;
  /** `hv_vcpu_set_sys_reg(vcpu, reg, value)` with an `hv_sys_reg_t`. */
  vcpuSetSysReg(vcpu: bigint, reg: number, value: bigint): number;
  /** `hv_vcpu_set_pending_interrupt(vcpu, type, pending)` with an `hv_interrupt_type_t`. */
  vcpuSetPendingInterrupt(vcpu: bigint, type: number, pending: boolean): number;
  /** `hv_vcpu_set_vtimer_mask(vcpu, masked)`. */
  vcpuSetVtimerMask(vcpu: bigint, masked: boolean): number;
  /** `hv_vcpu_get_vtimer_offset(vcpu, &offset)`: virtual count = mach_absolute_time - offset. */
  vcpuGetVtimerOffset(vcpu: bigint): HvValueResult;
  /** `hv_vcpus_exit(vcpus, count)`: makes those vCPUs leave the guest (any thread). */
  vcpusExit(vcpus: readonly bigint[]): number;

  /** `hv_gic_config_create()`: a GIC configuration object (0n if none). */
  gicConfigCreate(): bigint;
  /** `hv_gic_config_set_distributor_base(config, ipa)`. */
  gicConfigSetDistributorBase(config: bigint, ipa: bigint): number;
  /** `hv_gic_config_set_redistributor_base(config, ipa)`. */
  gicConfigSetRedistributorBase(config: bigint, ipa: bigint): number;
  /** `hv_gic_config_set_msi_region_base(config, ipa)`. */
  gicConfigSetMsiRegionBase(config: bigint, ipa: bigint): number;
  /** `hv_gic_config_set_msi_interrupt_range(config, base, count)`. */
  gicConfigSetMsiInterruptRange(config: bigint, base: number, count: number): number;
  /** `hv_gic_create(config)`: creates the VM's GICv3 (before any vCPU exists). */
  gicCreate(config: bigint): number;
  /** `hv_gic_set_spi(intid, level)`: drives a shared peripheral interrupt (any thread). */
  gicSetSpi(intid: number, level: boolean): number;
  /** `hv_gic_set_redistributor_reg(vcpu, reg, value)` (owning thread only). */
  gicSetRedistributorReg(vcpu: bigint, reg: number, value: bigint): number;
  /** `hv_gic_get_distributor_size(&size)`. */
  gicGetDistributorSize(): HvSizeResult;
  /** `hv_gic_get_distributor_base_alignment(&alignment)`. */
  gicGetDistributorBaseAlignment(): HvSizeResult;
  /** `hv_gic_get_redistributor_region_size(&size)`: all redistributors together. */
  gicGetRedistributorRegionSize(): HvSizeResult;
  /** `hv_gic_get_redistributor_size(&size)`: one vCPU's redistributor. */
  gicGetRedistributorSize(): HvSizeResult;
  /** `hv_gic_get_redistributor_base_alignment(&alignment)`. */
  gicGetRedistributorBaseAlignment(): HvSizeResult;
  /** `hv_gic_get_msi_region_size(&size)`. */
  gicGetMsiRegionSize(): HvSizeResult;
  /** `hv_gic_get_msi_region_base_alignment(&alignment)`. */
  gicGetMsiRegionBaseAlignment(): HvSizeResult;
  /** `hv_gic_get_spi_interrupt_range(&base, &count)`. */
  gicGetSpiInterruptRange(): HvSpiRangeResult;

  /** `os_release(object)`: releases a configuration object. */
  osRelease(object: bigint): void;
  /** `mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_ANON|MAP_PRIVATE, -1, 0)`; MAP_FAILED on error. */
  mmapAnonymous(size: number): bigint;
  /** `munmap(address, size)`: 0, or -1. */
  munmap(address: bigint, size: number): number;
  /** The calling thread's `errno` after the last libSystem call. */
  errno(): number;
  /** A view (no copy) of `size` bytes of this process's memory at `address`. */
  view(address: bigint, size: number): Uint8Array;
  /** `mach_absolute_time()`: the host tick count the guest's virtual counter derives from. */
  machAbsoluteTime(): bigint;
  /** `mach_timebase_info(&info)`: the tick-to-nanosecond ratio. */
  machTimebaseInfo(): MachTimebase;
}
