import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { busyboxApplets } from './busybox-applets.js';
import { archQualified, DebianPackages } from './debian-packages.js';
import { ensureDebianHost } from './debian-host.js';
import { ensureDpkgArchitecture } from './dpkg-architecture.js';
import { checkElfMachine } from './elf-header.js';
import { DebianPackageError } from './errors.js';
import { writeFileIfChanged } from './file-cache.js';
import { GUEST_ARCH_PROFILES } from './guest-arch.js';
import {
  guestAssetPaths,
  type GuestAssetPathOptions,
  type GuestAssetPaths,
} from './guest-asset-paths.js';
import { buildInitramfs } from './initramfs.js';
import { kvmBuild, type KvmBuild } from './kernel-config.js';
import { checkKernelImage } from './kernel-image.js';
import { stderrLogger, type GuestToolsLogger } from './logger.js';

/** Options for {@link fetchGuestAssets}. */
export interface FetchGuestAssetsOptions extends GuestAssetPathOptions {
  /** Receives progress messages; {@link stderrLogger} by default. */
  log?: GuestToolsLogger;
}

/** The cached guest assets after {@link fetchGuestAssets}, with what they were made from. */
export interface FetchedGuestAssets extends GuestAssetPaths {
  /** The kernel release string (`uname -r` in the guest), e.g. `6.1.0-56-cloud-amd64`. */
  kernelRelease: string;
  /** The versioned kernel image package the kernel came from. */
  kernelPackage: string;
  /** `lib/modules/<release>` of the unpacked kernel package. */
  modulesDir: string;
  /** `boot/config-<release>` of the unpacked kernel package. */
  kernelConfig: string;
  /**
   * How the kernel provides KVM (`CONFIG_KVM`): `module` on x86_64 (see `kvmModules`),
   * `built-in` on aarch64.
   */
  kvm: KvmBuild;
  /** The busybox applets linked in the initramfs's /bin. */
  applets: readonly string[];
}

/**
 * Makes sure the cache holds a guest kernel and initramfs for `options.arch` (x86_64 by
 * default), doing only the missing work, and returns where everything is:
 *
 * 1. checks the host has apt (installing `dpkg-deb` if needed); for a foreign architecture
 *    (aarch64 on an amd64 host) adds it with `dpkg --add-architecture` and runs `apt-get update`
 *    when it was missing; `apt-get update` also runs when the package lists lack what is
 *    needed (all of this needs root);
 * 2. resolves the versioned kernel package behind `linux-image-cloud-<debian arch>`, downloads it
 *    and `busybox-static` (both `:<debian arch>`) into `<cache>/debs` and unpacks them into
 *    `<arch>/kernel-tree` and `<arch>/busybox-tree` (modules stay there, e.g. for the KVM modules);
 * 3. checks `boot/vmlinuz-<release>` is a kernel image of the architecture (bzImage, or raw
 *    arm64 `Image`) and copies it to `<arch>/vmlinuz`, writes `<arch>/kernel-release`, checks
 *    the static busybox is an ELF program of the architecture and copies it to `<arch>/busybox`;
 * 4. builds `<arch>/initramfs.cpio.gz` with {@link buildInitramfs}: the stock `/init` and the
 *    applets {@link busyboxApplets} finds (`busybox --list`, run on the host's own build of the
 *    same busybox version when the guest's cannot run here).
 *
 * Files are only rewritten when their contents change, so a second run downloads and writes
 * nothing. Progress goes to `options.log`.
 *
 * @throws {@link GuestToolsError} subclasses with a one-line, actionable message.
 */
export async function fetchGuestAssets(
  options: FetchGuestAssetsOptions = {},
): Promise<FetchedGuestAssets> {
  const log = options.log ?? stderrLogger;
  const paths = guestAssetPaths(options);
  const profile = GUEST_ARCH_PROFILES[paths.arch];
  await ensureDebianHost(log);
  const packages = new DebianPackages({ debsDir: paths.debsDir, log });
  const dpkg = await ensureDpkgArchitecture(profile.debianArch, log);
  if (dpkg.added) {
    await packages.updateLists(`added the ${profile.debianArch} architecture`);
  }
  const kernelPackage = await packages.resolveKernelPackage(profile);
  const busyboxSpec = archQualified(profile.busyboxPackage, profile.debianArch);
  const [kernelDeb, busyboxDeb] = await Promise.all([
    packages.download(archQualified(kernelPackage, profile.debianArch)),
    packages.download(busyboxSpec),
  ]);
  const busyboxPackage = await packages.info(busyboxSpec);
  await mkdir(paths.archDir, { recursive: true });
  await packages.unpack(kernelDeb, paths.kernelTree);
  await packages.unpack(busyboxDeb, paths.busyboxTree);

  const kernelRelease = await findKernelRelease(paths.kernelTree, kernelPackage);
  const vmlinuzSource = join(paths.kernelTree, 'boot', `vmlinuz-${kernelRelease}`);
  const vmlinuz = await readFile(vmlinuzSource);
  checkKernelImage(profile.kernelImageFormat, vmlinuz, vmlinuzSource);
  if (await writeFileIfChanged(paths.vmlinuz, vmlinuz, 0o644)) {
    log(`wrote ${paths.vmlinuz} (${kernelRelease})`);
  }
  await writeFileIfChanged(paths.kernelReleaseFile, Buffer.from(`${kernelRelease}\n`), 0o644);

  const busyboxSource = join(paths.busyboxTree, 'bin', 'busybox');
  if (!existsSync(busyboxSource)) {
    throw new DebianPackageError(`${busyboxDeb} holds no bin/busybox; delete it and fetch again`);
  }
  const busybox = await readFile(busyboxSource);
  checkElfMachine(busybox, profile.elfMachine, busyboxSource);
  await writeFileIfChanged(paths.busybox, busybox, 0o755);
  const applets = await busyboxApplets({
    profile,
    busybox: paths.busybox,
    busyboxPackage,
    hostDebianArch: dpkg.native,
    hostBusyboxTree: paths.hostBusyboxTree,
    packages,
    log,
  });
  if (await writeFileIfChanged(paths.initramfs, buildInitramfs({ busybox, applets }), 0o644)) {
    log(`wrote ${paths.initramfs} (${applets.length} busybox applets)`);
  }

  const fetched = guestAssetPaths(options);
  if (fetched.modulesDir === null || !existsSync(fetched.modulesDir)) {
    throw new DebianPackageError(
      `${kernelPackage} has no lib/modules/${kernelRelease}; delete ${paths.kernelTree} and fetch again`,
    );
  }
  if (fetched.kernelConfig === null || !existsSync(fetched.kernelConfig)) {
    throw new DebianPackageError(
      `${kernelPackage} has no boot/config-${kernelRelease}; delete ${paths.kernelTree} and fetch again`,
    );
  }
  const kvm = kvmBuild(await readFile(fetched.kernelConfig, 'utf8'));
  return {
    ...fetched,
    modulesDir: fetched.modulesDir,
    kernelConfig: fetched.kernelConfig,
    kernelRelease,
    kernelPackage,
    kvm,
    applets,
  };
}

async function findKernelRelease(kernelTree: string, kernelPackage: string): Promise<string> {
  const images = (await readdir(join(kernelTree, 'boot')).catch(() => [])).filter((name) =>
    name.startsWith('vmlinuz-'),
  );
  if (images.length !== 1 || images[0] === undefined) {
    throw new DebianPackageError(
      `${kernelPackage} should hold exactly one boot/vmlinuz-*, found ${images.length}; delete ${kernelTree} and fetch again`,
    );
  }
  return images[0].slice('vmlinuz-'.length);
}
