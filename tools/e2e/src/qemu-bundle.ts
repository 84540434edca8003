import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { commandExists, runCommandForBytes } from '@vmm/guest-tools';
import type { E2eArchProfile } from './arch-profile.js';
import { OuterImageError } from './errors.js';
import { sharedLibraries } from './shared-libraries.js';

/** Where an outer image that includes QEMU keeps it (see `BuildOuterImageOptions.qemu`). */
export const OUTER_QEMU_LAYOUT = {
  /** The directory of the QEMU program (`<binDir>/<profile.qemuBinary>`); on the outer PATH. */
  binDir: '/usr/bin',
  /** The firmware directory; pass it to the QEMU in the outer host as `-L /qemu-share`. */
  firmwareDir: '/qemu-share',
} as const;

/** What of QEMU an outer image should hold, besides the program and its shared libraries. */
export interface OuterQemuOptions {
  /**
   * The firmware files (names in QEMU's data directories) the machine run in the outer host
   * loads, e.g. `bios-microvm.bin` for x86_64 `-M microvm`. Check with `strace -e openat`.
   */
  firmware: readonly string[];
}

/** The host files that make QEMU run in the outer host. */
export interface QemuBundle {
  /** The QEMU program on this host (symlinks resolved). */
  binary: string;
  /** Every shared library `ldd` names for it, the dynamic loader included (host paths). */
  libraries: string[];
  /** Each firmware file: its name, and the host file it is read from (symlinks resolved). */
  firmware: { name: string; hostPath: string }[];
}

/**
 * Extracts QEMU's firmware search directories from the output of `qemu-system-* -L help`, one
 * path per line, resolved against `/` (QEMU prints them relative to its program, e.g.
 * `/usr/bin/../share/qemu`); blank lines are left out.
 */
export function parseQemuDataDirs(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('/'))
    .map((line) => resolve(line));
}

function findOnPath(command: string): string {
  const dir = (process.env.PATH ?? '')
    .split(':')
    .find((entry) => entry !== '' && commandExists(command, entry));
  if (dir === undefined) {
    throw new OuterImageError(`${command} is not installed; install it first (see ensureQemu)`);
  }
  return join(dir, command);
}

/**
 * Finds the host's QEMU program for `profile`, its shared libraries and the firmware files
 * `options.firmware` names (searched in the directories `-L help` lists, in order).
 *
 * @throws {@link OuterImageError} when QEMU is not installed or a firmware file is in none of
 * its data directories.
 * @throws `CommandFailedError` (@vmm/guest-tools) when QEMU or `ldd` fails.
 */
export async function locateQemuBundle(
  profile: E2eArchProfile,
  options: OuterQemuOptions,
): Promise<QemuBundle> {
  const binary = await realpath(findOnPath(profile.qemuBinary));
  const help = await runCommandForBytes(binary, ['-L', 'help']);
  const dirs = parseQemuDataDirs(help.toString('utf8'));
  const firmware = [];
  for (const name of options.firmware) {
    const dir = dirs.find((candidate) => existsSync(join(candidate, name)));
    if (dir === undefined) {
      throw new OuterImageError(
        `QEMU firmware ${name} is in none of ${binary}'s data directories (${dirs.join(', ')}); ` +
          `reinstall ${profile.qemuAptPackage}`,
      );
    }
    firmware.push({ name, hostPath: await realpath(join(dir, name)) });
  }
  return { binary, libraries: await sharedLibraries([binary]), firmware };
}

/** The path of the QEMU program inside an outer image that includes it. */
export function outerQemuPath(profile: E2eArchProfile): string {
  return `${OUTER_QEMU_LAYOUT.binDir}/${profile.qemuBinary}`;
}
