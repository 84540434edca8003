import type { VcpuThreadWarmup } from './vcpu-thread-warmup.js';
import type { BootLoader } from '@vmm/bootloader';
import type { ModuleExport } from './module-export.js';

/** The RAM a guest gets when none is given. */
export const DEFAULT_MEMORY = '512M';

/**
 * Who decompresses an x86_64 kernel unless told: vmm. Booting an LZ4 bzImage that way was the
 * faster in most boot-time races and the more reliable in the nested test bed
 * (docs/BENCHMARKS.md); any other kernel is still unpacked by its own decompressor.
 */
export const DEFAULT_KERNEL_DECOMPRESSION = 'vmm' satisfies KernelDecompression;

/**
 * Who may decompress an x86_64 kernel: `'guest'`, the kernel's own decompressor, as the boot
 * protocol has it; or `'vmm'`, which decodes an LZ4 bzImage on the host, loads the `vmlinux`
 * inside, enters it at `startup_64` and does KASLR itself (`BzImageLoaderOptions.decompression`;
 * a kernel compressed otherwise is left to the guest).
 */
export const KERNEL_DECOMPRESSIONS = ['guest', 'vmm'] as const;

/** Who decompresses an x86_64 kernel: one of {@link KERNEL_DECOMPRESSIONS}. */
export type KernelDecompression = (typeof KERNEL_DECOMPRESSIONS)[number];

/** Whether `name` is one of {@link KERNEL_DECOMPRESSIONS}. */
export function isKernelDecompression(name: string): name is KernelDecompression {
  return (KERNEL_DECOMPRESSIONS as readonly string[]).includes(name);
}

/** The most vCPUs a machine may have. */
export const MAX_VCPUS = 64;

/**
 * A device of the user's own on the MMIO bus. vmm imports `factory` in every vCPU worker and
 * calls it with `options` to get that thread's `MmioDevice`; state that several vCPUs must
 * share belongs in a SharedArrayBuffer passed in `options`.
 */
export interface CustomMmioDeviceConfig {
  /** Guest physical address of the device's first register. */
  readonly address: bigint;
  /** Size of the register window in bytes. */
  readonly size: bigint;
  /** A function `(options) => MmioDevice`, as a module export. */
  readonly factory: ModuleExport;
  /** Structured-cloneable argument for `factory`. */
  readonly options?: unknown;
  /** A name for listings and error messages. */
  readonly label?: string;
}

/**
 * What to build. Give either a Linux kernel (`kernel`, optionally `initramfs` and `cmdline`)
 * or a ready `loader` for anything else (e.g. a flat test binary).
 */
export interface MachineConfig {
  /**
   * The hypervisor backend, as a module export both the main thread and the vCPU workers can
   * import, e.g. `{ module: import.meta.resolve('@vmm/kvm'), export: 'kvmBackend' }`.
   */
  readonly backend: ModuleExport;
  /**
   * vCPU threads started earlier (`VcpuThreadWarmup` from `@vmm/machine/warmup`): the machine
   * uses those that import `backend` and spawns the rest; the warm-up's other threads end.
   */
  readonly warmup?: VcpuThreadWarmup;
  /** Guest RAM: bytes, or a size string such as `512M` or `2G`. Default {@link DEFAULT_MEMORY}. */
  readonly memory?: string | number;
  /** Number of vCPUs, 1 to {@link MAX_VCPUS}. Default 1. */
  readonly cpus?: number;
  /**
   * CPU features the guest must not see, by name (`VirtOptions.hiddenCpuFeatures`: x86_64 on
   * KVM only), like QEMU's `-cpu host,-xsave`. None by default.
   */
  readonly hiddenCpuFeatures?: readonly string[];
  /** The kernel: a path to a bzImage (x86_64) or an arm64 Image (aarch64), or its bytes. */
  readonly kernel?: string | Uint8Array;
  /** The initial RAM filesystem: a path, or its bytes. */
  readonly initramfs?: string | Uint8Array;
  /**
   * The kernel command line. Default: the serial console and a reboot on panic
   * (`defaultCmdline(arch)`: `console=ttyS0 reboot=k panic=-1` on x86_64,
   * `console=ttyAMA0 panic=-1` on aarch64).
   */
  readonly cmdline?: string;
  /**
   * Who decompresses an x86_64 kernel ({@link KernelDecompression}). Default
   * {@link DEFAULT_KERNEL_DECOMPRESSION}. Ignored on aarch64.
   */
  readonly kernelDecompression?: KernelDecompression;
  /** A boot loader to use instead of `kernel`/`initramfs`/`cmdline`. */
  readonly loader?: BootLoader;
  /**
   * Whether to create the in-kernel interrupt controller (default true). Without it a guest
   * `hlt` ends the VM, which suits small test guests.
   */
  readonly irqchip?: boolean;
  /** Devices of the user's own on the MMIO bus. */
  readonly mmioDevices?: readonly CustomMmioDeviceConfig[];
}
