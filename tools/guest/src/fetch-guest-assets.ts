import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DebianPackages } from './debian-packages.js';
import { ensureDebianHost } from './debian-host.js';
import { DebianPackageError, GuestToolsError } from './errors.js';
import { writeFileIfChanged } from './file-cache.js';
import { GUEST_ARCH_PROFILES, type GuestArchProfile } from './guest-arch.js';
import {
  guestAssetPaths,
  type GuestAssetPathOptions,
  type GuestAssetPaths,
} from './guest-asset-paths.js';
import { runCommand } from './host-command.js';
import { DEFAULT_APPLETS, buildInitramfs } from './initramfs.js';
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
  /** The busybox applets linked in the initramfs's /bin. */
  applets: readonly string[];
}

/**
 * Makes sure the cache holds a guest kernel and initramfs for `options.arch` (x86_64 by
 * default), doing only the missing work, and returns where everything is:
 *
 * 1. checks the host has apt (installing `dpkg-deb` if needed; `apt-get update` only when the
 *    package lists lack what is needed; both need root);
 * 2. resolves the versioned kernel package behind `linux-image-cloud-<debian arch>`, downloads it
 *    and `busybox-static` into `<cache>/debs` and unpacks them into `<arch>/kernel-tree` and
 *    `<arch>/busybox-tree` (modules stay there, e.g. for the KVM modules);
 * 3. copies `boot/vmlinuz-<release>` to `<arch>/vmlinuz`, writes `<arch>/kernel-release`, copies
 *    the static busybox to `<arch>/busybox`;
 * 4. builds `<arch>/initramfs.cpio.gz` with {@link buildInitramfs}: the stock `/init` and every
 *    applet `busybox --list` names (or {@link DEFAULT_APPLETS} when the guest's busybox cannot
 *    run on this host).
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
  const kernelPackage = await packages.resolveKernelPackage(profile);
  const [kernelDeb, busyboxDeb] = await Promise.all([
    packages.download(`${kernelPackage}:${profile.debianArch}`),
    packages.download(`${profile.busyboxPackage}:${profile.debianArch}`),
  ]);
  await mkdir(paths.archDir, { recursive: true });
  await packages.unpack(kernelDeb, paths.kernelTree);
  await packages.unpack(busyboxDeb, paths.busyboxTree);

  const kernelRelease = await findKernelRelease(paths.kernelTree, kernelPackage);
  const vmlinuz = await readFile(join(paths.kernelTree, 'boot', `vmlinuz-${kernelRelease}`));
  if (await writeFileIfChanged(paths.vmlinuz, vmlinuz, 0o644)) {
    log(`wrote ${paths.vmlinuz} (${kernelRelease})`);
  }
  await writeFileIfChanged(paths.kernelReleaseFile, Buffer.from(`${kernelRelease}\n`), 0o644);

  const busyboxSource = join(paths.busyboxTree, 'bin', 'busybox');
  if (!existsSync(busyboxSource)) {
    throw new DebianPackageError(`${busyboxDeb} holds no bin/busybox; delete it and fetch again`);
  }
  const busybox = await readFile(busyboxSource);
  await writeFileIfChanged(paths.busybox, busybox, 0o755);
  const applets = await listApplets(paths.busybox, profile, log);
  if (await writeFileIfChanged(paths.initramfs, buildInitramfs({ busybox, applets }), 0o644)) {
    log(`wrote ${paths.initramfs} (${applets.length} busybox applets)`);
  }

  const fetched = guestAssetPaths(options);
  if (fetched.modulesDir === null || !existsSync(fetched.modulesDir)) {
    throw new DebianPackageError(
      `${kernelPackage} has no lib/modules/${kernelRelease}; delete ${paths.kernelTree} and fetch again`,
    );
  }
  return { ...fetched, modulesDir: fetched.modulesDir, kernelRelease, kernelPackage, applets };
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

async function listApplets(
  busybox: string,
  profile: GuestArchProfile,
  log: GuestToolsLogger,
): Promise<readonly string[]> {
  if (process.arch !== profile.nodeArch) {
    log(
      `the ${profile.arch} busybox cannot run on this ${process.arch} host; linking the default applets`,
    );
    return DEFAULT_APPLETS;
  }
  const { stdout } = await runCommand(busybox, ['--list']);
  const listed = stdout.split('\n').filter((name) => name !== '');
  const missing = DEFAULT_APPLETS.filter((applet) => !listed.includes(applet));
  if (missing.length > 0) {
    throw new GuestToolsError(
      `${busybox} lacks the applets ${missing.join(', ')} that /init needs`,
    );
  }
  return listed;
}
