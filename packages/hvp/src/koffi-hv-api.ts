import { createRequire } from 'node:module';
import { HYPERVISOR_FRAMEWORK_PATH, HvReturn } from './bindings/hv-constants.js';
import { HV_VCPU_EXIT_LAYOUT } from './bindings/hv-vcpu-exit.js';
import { DarwinMman } from './bindings/darwin-mman.js';
import type {
  HvApi,
  HvIpaSizeResult,
  HvSizeResult,
  HvSpiRangeResult,
  HvValueResult,
} from './hv-api.js';
import { HvpUnavailableError } from './hvp-unavailable-error.js';

type Koffi = typeof import('koffi').default;
type KoffiLibrary = ReturnType<Koffi['load']>;
// koffi's declared function type; calls go through the typed wrappers below.
type NativeFunction = (...args: unknown[]) => unknown;

/** libSystem: mmap, munmap, mach time and os_release (every macOS has it at this path). */
const LIBSYSTEM_PATH = '/usr/lib/libSystem.B.dylib';

/**
 * The GIC functions, added in macOS 15 (`<Hypervisor/hv_gic.h>`, `<Hypervisor/hv_gic_config.h>`,
 * `<Hypervisor/hv_gic_parameters.h>`). hv_return_t is declared `uint32_t` throughout: it is an
 * int32 in C, returned in w0 either way, and vmm compares it unsigned.
 */
const GIC_SIGNATURES = {
  gicConfigCreate: 'void *hv_gic_config_create(void)',
  gicConfigSetDistributorBase:
    'uint32_t hv_gic_config_set_distributor_base(void *config, uint64_t ipa)',
  gicConfigSetRedistributorBase:
    'uint32_t hv_gic_config_set_redistributor_base(void *config, uint64_t ipa)',
  gicConfigSetMsiRegionBase:
    'uint32_t hv_gic_config_set_msi_region_base(void *config, uint64_t ipa)',
  gicConfigSetMsiInterruptRange:
    'uint32_t hv_gic_config_set_msi_interrupt_range(void *config, uint32_t base, uint32_t count)',
  gicCreate: 'uint32_t hv_gic_create(void *config)',
  gicSetSpi: 'uint32_t hv_gic_set_spi(uint32_t intid, bool level)',
  gicSetRedistributorReg:
    'uint32_t hv_gic_set_redistributor_reg(uint64_t vcpu, uint32_t reg, uint64_t value)',
  gicGetDistributorSize: 'uint32_t hv_gic_get_distributor_size(void *size)',
  gicGetDistributorBaseAlignment: 'uint32_t hv_gic_get_distributor_base_alignment(void *alignment)',
  gicGetRedistributorRegionSize: 'uint32_t hv_gic_get_redistributor_region_size(void *size)',
  gicGetRedistributorSize: 'uint32_t hv_gic_get_redistributor_size(void *size)',
  gicGetRedistributorBaseAlignment:
    'uint32_t hv_gic_get_redistributor_base_alignment(void *alignment)',
  gicGetMsiRegionSize: 'uint32_t hv_gic_get_msi_region_size(void *size)',
  gicGetMsiRegionBaseAlignment: 'uint32_t hv_gic_get_msi_region_base_alignment(void *alignment)',
  gicGetSpiInterruptRange: 'uint32_t hv_gic_get_spi_interrupt_range(void *base, void *count)',
} as const;

type GicFunctions = Record<keyof typeof GIC_SIGNATURES, NativeFunction>;

let loaded: HvApi | undefined;

/** Throws {@link HvpUnavailableError} unless this process runs on macOS on arm64. */
export function checkHvpPlatform(): void {
  if (process.platform !== 'darwin' || process.arch !== 'arm64') {
    throw HvpUnavailableError.wrongPlatform(process.platform, process.arch);
  }
}

/**
 * The real {@link HvApi} of this thread: Hypervisor.framework and libSystem bound through
 * koffi, loaded on first use so that importing `@vmm/hvp` loads neither koffi nor the
 * framework. Throws {@link HvpUnavailableError} off macOS/arm64 or if the framework is missing.
 * The GIC functions are looked up one by one: on macOS before 15 they are absent and
 * {@link HvApi.gicSupported} is false.
 */
export function loadHvApi(): HvApi {
  checkHvpPlatform();
  loaded ??= bind(createRequire(import.meta.url)('koffi') as Koffi);
  return loaded;
}

function open(koffi: Koffi, path: string): KoffiLibrary {
  try {
    return koffi.load(path);
  } catch (error) {
    throw HvpUnavailableError.frameworkMissing(path, error);
  }
}

function bindGic(hv: KoffiLibrary): GicFunctions | undefined {
  const bound: Partial<GicFunctions> = {};
  try {
    for (const [name, signature] of Object.entries(GIC_SIGNATURES)) {
      bound[name as keyof GicFunctions] = hv.func(signature) as NativeFunction;
    }
  } catch {
    return undefined;
  }
  return bound as GicFunctions;
}

function bind(koffi: Koffi): HvApi {
  const hv = open(koffi, HYPERVISOR_FRAMEWORK_PATH);
  const libSystem = open(koffi, LIBSYSTEM_PATH);
  const fn = (lib: KoffiLibrary, signature: string): NativeFunction =>
    lib.func(signature) as NativeFunction;

  const vmConfigCreate = fn(hv, 'void *hv_vm_config_create(void)');
  const vmConfigGetDefaultIpaSize = fn(
    hv,
    'uint32_t hv_vm_config_get_default_ipa_size(void *ipa_bit_length)',
  );
  const vmConfigGetMaxIpaSize = fn(
    hv,
    'uint32_t hv_vm_config_get_max_ipa_size(void *ipa_bit_length)',
  );
  const vmConfigSetIpaSize = fn(
    hv,
    'uint32_t hv_vm_config_set_ipa_size(void *config, uint32_t ipa_bit_length)',
  );
  const vmCreate = fn(hv, 'uint32_t hv_vm_create(void *config)');
  const vmDestroy = fn(hv, 'uint32_t hv_vm_destroy(void)');
  const vmMap = fn(hv, 'uint32_t hv_vm_map(void *addr, uint64_t ipa, size_t size, uint64_t flags)');
  const vmUnmap = fn(hv, 'uint32_t hv_vm_unmap(uint64_t ipa, size_t size)');
  const vcpuCreate = fn(hv, 'uint32_t hv_vcpu_create(void *vcpu, void *exit, void *config)');
  const vcpuDestroy = fn(hv, 'uint32_t hv_vcpu_destroy(uint64_t vcpu)');
  const vcpuRun = fn(hv, 'uint32_t hv_vcpu_run(uint64_t vcpu)');
  const vcpuGetReg = fn(hv, 'uint32_t hv_vcpu_get_reg(uint64_t vcpu, uint32_t reg, void *value)');
  const vcpuSetReg = fn(
    hv,
    'uint32_t hv_vcpu_set_reg(uint64_t vcpu, uint32_t reg, uint64_t value)',
  );
  const vcpuGetSysReg = fn(
    hv,
    'uint32_t hv_vcpu_get_sys_reg(uint64_t vcpu, uint16_t reg, void *value)',
  );
  const vcpuSetSysReg = fn(
    hv,
    'uint32_t hv_vcpu_set_sys_reg(uint64_t vcpu, uint16_t reg, uint64_t value)',
  );
  const vcpuSetPendingInterrupt = fn(
    hv,
    'uint32_t hv_vcpu_set_pending_interrupt(uint64_t vcpu, uint32_t type, bool pending)',
  );
  const vcpuSetVtimerMask = fn(hv, 'uint32_t hv_vcpu_set_vtimer_mask(uint64_t vcpu, bool masked)');
  const vcpuGetVtimerOffset = fn(
    hv,
    'uint32_t hv_vcpu_get_vtimer_offset(uint64_t vcpu, void *offset)',
  );
  const vcpusExit = fn(hv, 'uint32_t hv_vcpus_exit(void *vcpus, uint32_t count)');
  const gic = bindGic(hv);

  const osRelease = fn(libSystem, 'void os_release(void *object)');
  const mmap = fn(
    libSystem,
    'void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)',
  );
  const munmap = fn(libSystem, 'int munmap(void *addr, size_t length)');
  const machAbsoluteTime = fn(libSystem, 'uint64_t mach_absolute_time(void)');
  const machTimebaseInfo = fn(libSystem, 'int mach_timebase_info(void *info)');

  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  const u64 = (): bigint => outView.getBigUint64(0, true);
  const valueResult = (status: unknown): HvValueResult => ({
    status: status as number,
    value: (status as number) === HvReturn.SUCCESS ? u64() : 0n,
  });
  const ipaSizeResult = (call: NativeFunction): HvIpaSizeResult => {
    const bits = new Uint32Array(1);
    const status = call(bits) as number;
    return { status, bits: status === HvReturn.SUCCESS ? bits[0]! : 0 };
  };
  const sizeResult = (call: NativeFunction | undefined): HvSizeResult => {
    if (call === undefined) return { status: HvReturn.UNSUPPORTED, size: 0 };
    outView.setBigUint64(0, 0n, true);
    const status = call(out) as number;
    return { status, size: status === HvReturn.SUCCESS ? Number(u64()) : 0 };
  };
  const pointer = (value: unknown): bigint => (typeof value === 'bigint' ? value : 0n);
  const gicCall =
    (name: keyof GicFunctions) =>
    (...args: unknown[]): number =>
      gic === undefined ? HvReturn.UNSUPPORTED : (gic[name](...args) as number);

  return {
    gicSupported: gic !== undefined,
    vmConfigCreate: () => pointer(vmConfigCreate()),
    vmConfigGetDefaultIpaSize: () => ipaSizeResult(vmConfigGetDefaultIpaSize),
    vmConfigGetMaxIpaSize: () => ipaSizeResult(vmConfigGetMaxIpaSize),
    vmConfigSetIpaSize: (config, bits) => vmConfigSetIpaSize(config, bits) as number,
    vmCreate: (config) => vmCreate(config === 0n ? null : config) as number,
    vmDestroy: () => vmDestroy() as number,
    vmMap: (hostAddress, ipa, size, flags) =>
      vmMap(hostAddress, ipa, size, BigInt(flags)) as number,
    vmUnmap: (ipa, size) => vmUnmap(ipa, size) as number,
    vcpuCreate: () => {
      const vcpu = new Uint8Array(8);
      const exitPointer = new Uint8Array(8);
      const status = vcpuCreate(vcpu, exitPointer, null) as number;
      if (status !== HvReturn.SUCCESS) return { status, vcpu: 0n, exit: new Uint8Array(0) };
      const exitAddress = new DataView(exitPointer.buffer).getBigUint64(0, true);
      return {
        status,
        vcpu: new DataView(vcpu.buffer).getBigUint64(0, true),
        exit: new Uint8Array(koffi.view(exitAddress, HV_VCPU_EXIT_LAYOUT.size)),
      };
    },
    vcpuDestroy: (vcpu) => vcpuDestroy(vcpu) as number,
    vcpuRun: (vcpu) => vcpuRun(vcpu) as number,
    vcpuGetReg: (vcpu, reg) => valueResult(vcpuGetReg(vcpu, reg, out)),
    vcpuSetReg: (vcpu, reg, value) => vcpuSetReg(vcpu, reg, value) as number,
    vcpuGetSysReg: (vcpu, reg) => valueResult(vcpuGetSysReg(vcpu, reg, out)),
    vcpuSetSysReg: (vcpu, reg, value) => vcpuSetSysReg(vcpu, reg, value) as number,
    vcpuSetPendingInterrupt: (vcpu, type, pending) =>
      vcpuSetPendingInterrupt(vcpu, type, pending) as number,
    vcpuSetVtimerMask: (vcpu, masked) => vcpuSetVtimerMask(vcpu, masked) as number,
    vcpuGetVtimerOffset: (vcpu) => valueResult(vcpuGetVtimerOffset(vcpu, out)),
    vcpusExit: (vcpus) => {
      const list = new BigUint64Array(vcpus);
      return vcpusExit(list, vcpus.length) as number;
    },
    gicConfigCreate: () => (gic === undefined ? 0n : pointer(gic.gicConfigCreate())),
    gicConfigSetDistributorBase: gicCall('gicConfigSetDistributorBase'),
    gicConfigSetRedistributorBase: gicCall('gicConfigSetRedistributorBase'),
    gicConfigSetMsiRegionBase: gicCall('gicConfigSetMsiRegionBase'),
    gicConfigSetMsiInterruptRange: gicCall('gicConfigSetMsiInterruptRange'),
    gicCreate: gicCall('gicCreate'),
    gicSetSpi: gicCall('gicSetSpi'),
    gicSetRedistributorReg: gicCall('gicSetRedistributorReg'),
    gicGetDistributorSize: () => sizeResult(gic?.gicGetDistributorSize),
    gicGetDistributorBaseAlignment: () => sizeResult(gic?.gicGetDistributorBaseAlignment),
    gicGetRedistributorRegionSize: () => sizeResult(gic?.gicGetRedistributorRegionSize),
    gicGetRedistributorSize: () => sizeResult(gic?.gicGetRedistributorSize),
    gicGetRedistributorBaseAlignment: () => sizeResult(gic?.gicGetRedistributorBaseAlignment),
    gicGetMsiRegionSize: () => sizeResult(gic?.gicGetMsiRegionSize),
    gicGetMsiRegionBaseAlignment: () => sizeResult(gic?.gicGetMsiRegionBaseAlignment),
    gicGetSpiInterruptRange: (): HvSpiRangeResult => {
      if (gic === undefined) return { status: HvReturn.UNSUPPORTED, base: 0, count: 0 };
      const base = new Uint32Array(1);
      const count = new Uint32Array(1);
      const status = gic.gicGetSpiInterruptRange(base, count) as number;
      return { status, base: base[0]!, count: count[0]! };
    },
    osRelease: (object) => {
      if (object !== 0n) osRelease(object);
    },
    mmapAnonymous: (size) =>
      pointer(
        mmap(
          null,
          size,
          DarwinMman.PROT_READ | DarwinMman.PROT_WRITE,
          DarwinMman.MAP_ANON | DarwinMman.MAP_PRIVATE,
          -1,
          0,
        ),
      ) || DarwinMman.MAP_FAILED,
    munmap: (address, size) => munmap(address, size) as number,
    errno: () => koffi.errno(),
    view: (address, size) => new Uint8Array(koffi.view(address, size)),
    machAbsoluteTime: () => BigInt(machAbsoluteTime() as number | bigint),
    machTimebaseInfo: () => {
      const info = new Uint32Array(2);
      machTimebaseInfo(info);
      return { numer: info[0]!, denom: info[1]! };
    },
  };
}
