import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guestCacheDir } from './cache-dir.js';
import { GUEST_ARCH_PROFILES, type GuestArch } from './guest-arch.js';

/** Options naming which assets to locate. */
export interface GuestAssetPathOptions {
  /** Guest architecture; `x86_64` by default. */
  arch?: GuestArch;
  /** The guest cache directory; {@link guestCacheDir}() by default. */
  cacheDir?: string;
}

/** Where the guest assets of one architecture live in the cache (whether or not fetched yet). */
export interface GuestAssetPaths {
  /** The guest architecture. */
  arch: GuestArch;
  /** The guest cache directory shared by all architectures. */
  cacheDir: string;
  /** Downloaded `.deb` files, named as `apt-get download` names them. */
  debsDir: string;
  /** The directory of this architecture's assets. */
  archDir: string;
  /** The kernel image (a bzImage on x86_64, a raw arm64 `Image` on aarch64). */
  vmlinuz: string;
  /** A text file holding the kernel release string (`uname -r` in the guest) and a newline. */
  kernelReleaseFile: string;
  /** The gzip-compressed cpio initramfs with busybox and the stock `/init`. */
  initramfs: string;
  /** The static busybox binary for the guest. */
  busybox: string;
  /** The unpacked kernel image package (`boot/`, `lib/modules/<release>/`, ...). */
  kernelTree: string;
  /** The unpacked busybox package. */
  busyboxTree: string;
  /**
   * The unpacked busybox package of the host's own architecture, used only to list the applets
   * when the guest's busybox cannot run on this host (aarch64 assets on an x86_64 host).
   */
  hostBusyboxTree: string;
  /** `lib/modules/<release>` in {@link kernelTree}; `null` until the kernel is fetched. */
  modulesDir: string | null;
  /** The kernel's build configuration, `boot/config-<release>`; `null` until it is fetched. */
  kernelConfig: string | null;
  /**
   * The KVM modules inside {@link modulesDir} (`kvm`, `kvm-amd`, `kvm-intel` and their
   * dependency `irqbypass`), as paths; `null` until the kernel is fetched, and always `null`
   * for aarch64, whose Debian kernel has KVM built in (`CONFIG_KVM=y`).
   */
  kvmModules: KvmModulePaths | null;
}

/** Paths of the x86_64 guest kernel's KVM modules, for nested-virtualization tests. */
export interface KvmModulePaths {
  /** `virt/lib/irqbypass.ko`, which kvm.ko depends on. */
  irqbypass: string;
  /** `arch/x86/kvm/kvm.ko`. */
  kvm: string;
  /** `arch/x86/kvm/kvm-amd.ko`. */
  kvmAmd: string;
  /** `arch/x86/kvm/kvm-intel.ko`. */
  kvmIntel: string;
}

/**
 * Returns where the guest assets of `options.arch` are (or will be once fetched). Reads the
 * cached `kernel-release` file, when present, to fill in the module paths; touches nothing else.
 */
export function guestAssetPaths(options: GuestAssetPathOptions = {}): GuestAssetPaths {
  const arch = options.arch ?? 'x86_64';
  const cacheDir = options.cacheDir ?? guestCacheDir();
  const archDir = join(cacheDir, arch);
  const kernelTree = join(archDir, 'kernel-tree');
  const kernelReleaseFile = join(archDir, 'kernel-release');
  const release = existsSync(kernelReleaseFile)
    ? readFileSync(kernelReleaseFile, 'utf8').trim()
    : '';
  const profile = GUEST_ARCH_PROFILES[arch];
  const modulesDir = release === '' ? null : join(kernelTree, 'lib', 'modules', release);
  const kvmDir =
    modulesDir === null || !profile.kvmModules
      ? null
      : join(modulesDir, 'kernel', profile.kernelArchDir, 'kvm');
  return {
    arch,
    cacheDir,
    debsDir: join(cacheDir, 'debs'),
    archDir,
    vmlinuz: join(archDir, 'vmlinuz'),
    kernelReleaseFile,
    initramfs: join(archDir, 'initramfs.cpio.gz'),
    busybox: join(archDir, 'busybox'),
    kernelTree,
    busyboxTree: join(archDir, 'busybox-tree'),
    hostBusyboxTree: join(archDir, 'host-busybox-tree'),
    modulesDir,
    kernelConfig: release === '' ? null : join(kernelTree, 'boot', `config-${release}`),
    kvmModules:
      modulesDir === null || kvmDir === null
        ? null
        : {
            irqbypass: join(modulesDir, 'kernel', 'virt', 'lib', 'irqbypass.ko'),
            kvm: join(kvmDir, 'kvm.ko'),
            kvmAmd: join(kvmDir, 'kvm-amd.ko'),
            kvmIntel: join(kvmDir, 'kvm-intel.ko'),
          },
  };
}
