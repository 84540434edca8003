import { UnsupportedGuestArchError } from './errors.js';
import { ELF_MACHINE_AARCH64, ELF_MACHINE_X86_64 } from './elf-header.js';
import type { KernelImageFormat } from './kernel-image.js';

/** A guest architecture this tool prepares assets for. */
export type GuestArch = 'x86_64' | 'aarch64';

/** How to get the guest assets of one architecture from Debian, and what they look like. */
export interface GuestArchProfile {
  /** The architecture's name in vmm (and in `uname -m` inside the guest). */
  arch: GuestArch;
  /** Debian's name for the architecture, used as the `:arch` qualifier with apt. */
  debianArch: string;
  /** Node's `process.arch` value on a host of this architecture. */
  nodeArch: NodeJS.Architecture;
  /** The ELF `e_machine` of the architecture's programs (62 for x86_64, 183 for aarch64). */
  elfMachine: number;
  /** The metapackage whose dependency names the current versioned kernel image package. */
  kernelMetaPackage: string;
  /** The format of the package's `boot/vmlinuz-*`, checked before it is copied to the cache. */
  kernelImageFormat: KernelImageFormat;
  /** The package that holds a statically linked busybox at /bin/busybox. */
  busyboxPackage: string;
  /** Directory of the kernel's own code inside `lib/modules/<release>/kernel`, e.g. `arch/x86`. */
  kernelArchDir: string;
  /**
   * Whether the Debian kernel builds KVM as modules (`kvm.ko`, `kvm-amd.ko`, `kvm-intel.ko`
   * on x86_64); `false` when KVM is built into the kernel image (arm64).
   */
  kvmModules: boolean;
}

/** Profiles of every supported guest architecture. */
export const GUEST_ARCH_PROFILES: Readonly<Record<GuestArch, GuestArchProfile>> = {
  x86_64: {
    arch: 'x86_64',
    debianArch: 'amd64',
    nodeArch: 'x64',
    elfMachine: ELF_MACHINE_X86_64,
    kernelMetaPackage: 'linux-image-cloud-amd64',
    kernelImageFormat: 'bzImage',
    busyboxPackage: 'busybox-static',
    kernelArchDir: 'arch/x86',
    kvmModules: true,
  },
  aarch64: {
    arch: 'aarch64',
    debianArch: 'arm64',
    nodeArch: 'arm64',
    elfMachine: ELF_MACHINE_AARCH64,
    kernelMetaPackage: 'linux-image-cloud-arm64',
    kernelImageFormat: 'arm64-image',
    busyboxPackage: 'busybox-static',
    kernelArchDir: 'arch/arm64',
    kvmModules: false,
  },
};

/**
 * Checks a user-given architecture name and returns it as a {@link GuestArch}.
 *
 * @throws {@link UnsupportedGuestArchError} for anything else.
 */
export function parseGuestArch(name: string): GuestArch {
  const supported = Object.keys(GUEST_ARCH_PROFILES);
  if (!supported.includes(name)) {
    throw new UnsupportedGuestArchError(name, supported);
  }
  return name as GuestArch;
}
