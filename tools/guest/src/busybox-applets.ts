import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { archQualified, type DebianPackageInfo, type DebianPackages } from './debian-packages.js';
import { DebianPackageError, GuestToolsError } from './errors.js';
import type { GuestArchProfile } from './guest-arch.js';
import { runCommand } from './host-command.js';
import { DEFAULT_APPLETS } from './initramfs.js';
import type { GuestToolsLogger } from './logger.js';

/** What {@link busyboxApplets} needs to find the applet list of a guest's busybox. */
export interface BusyboxAppletsOptions {
  /** The guest architecture's profile. */
  profile: GuestArchProfile;
  /** Path of the guest's static busybox. */
  busybox: string;
  /** The guest's busybox package, as apt described it. */
  busyboxPackage: DebianPackageInfo;
  /** The host's own Debian architecture, e.g. `amd64`. */
  hostDebianArch: string;
  /** Where to unpack the host's busybox package when the guest's cannot run here. */
  hostBusyboxTree: string;
  /** Fetches the host's busybox package. */
  packages: DebianPackages;
  /** Receives progress messages. */
  log: GuestToolsLogger;
}

/** Splits the output of `busybox --list` (one applet name a line) into names. */
export function parseBusyboxList(output: string): string[] {
  return output
    .split('\n')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * Returns the applets to link in the guest's /bin, from `busybox --list`:
 *
 * - when the guest's busybox runs on this host (same architecture), its own list;
 * - otherwise (e.g. the arm64 busybox on an amd64 host) the list of the host architecture's
 *   busybox package built from the same source version (`Source:` version, so binary-only
 *   rebuilds `+bN` still match): Debian builds busybox-static with one configuration for every
 *   architecture, so both have the same applets. That package is downloaded and unpacked into
 *   `options.hostBusyboxTree`;
 * - when the host has no such package of the same version, {@link DEFAULT_APPLETS}.
 *
 * @throws {@link GuestToolsError} when a listed busybox lacks an applet the stock /init needs.
 */
export async function busyboxApplets(options: BusyboxAppletsOptions): Promise<readonly string[]> {
  const { profile, log } = options;
  if (process.arch === profile.nodeArch) {
    return listApplets(options.busybox);
  }
  const spec = archQualified(profile.busyboxPackage, options.hostDebianArch);
  const hostPackage = await options.packages.info(spec).catch((error: unknown) => {
    if (error instanceof DebianPackageError) {
      return null;
    }
    throw error;
  });
  const guestVersion = options.busyboxPackage.sourceVersion;
  if (hostPackage === null || hostPackage.sourceVersion !== guestVersion) {
    log(
      `the ${profile.arch} busybox cannot run on this ${process.arch} host and apt has no ${spec} of source version ${guestVersion}; linking the default applets`,
    );
    return DEFAULT_APPLETS;
  }
  log(`listing the applets with the ${options.hostDebianArch} build of busybox ${guestVersion}`);
  const deb = await options.packages.download(spec);
  await options.packages.unpack(deb, options.hostBusyboxTree);
  const hostBusybox = join(options.hostBusyboxTree, 'bin', 'busybox');
  if (!existsSync(hostBusybox)) {
    throw new DebianPackageError(`${deb} holds no bin/busybox; delete it and fetch again`);
  }
  return listApplets(hostBusybox);
}

async function listApplets(busybox: string): Promise<readonly string[]> {
  const { stdout } = await runCommand(busybox, ['--list']);
  const listed = parseBusyboxList(stdout);
  const missing = DEFAULT_APPLETS.filter((applet) => !listed.includes(applet));
  if (missing.length > 0) {
    throw new GuestToolsError(
      `${busybox} lacks the applets ${missing.join(', ')} that /init needs`,
    );
  }
  return listed;
}
