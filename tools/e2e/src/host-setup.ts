import { commandExists, runCommandForBytes } from '@vmm/guest-tools';
import type { E2eArchProfile } from './arch-profile.js';
import { HostToolMissingError } from './errors.js';
import type { E2eLogger } from './logger.js';

/**
 * Installs Debian packages with `apt-get` (after `apt-get update`) so that `commands` exist.
 * Does nothing when they all exist already.
 *
 * @throws {@link HostToolMissingError} with the command to run by hand when they are missing and
 * this process cannot install them (no apt-get, or not root), or when the install did not
 * provide them.
 */
export async function ensureHostCommands(
  commands: readonly string[],
  aptPackages: readonly string[],
  log: E2eLogger,
): Promise<void> {
  const missing = commands.filter((command) => !commandExists(command));
  if (missing.length === 0) {
    return;
  }
  const names = missing.join(', ');
  const install = `apt-get install -y ${aptPackages.join(' ')}`;
  if (!commandExists('apt-get')) {
    throw new HostToolMissingError(
      `${names} not found and this host has no apt-get: install ${names}`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new HostToolMissingError(`${names} not found: run \`sudo ${install}\``);
  }
  log(`${names} not found; running apt-get update and ${install}`);
  await runCommandForBytes('apt-get', ['update']);
  await runCommandForBytes('apt-get', ['install', '-y', '--no-install-recommends', ...aptPackages]);
  const stillMissing = commands.filter((command) => !commandExists(command));
  if (stillMissing.length > 0) {
    throw new HostToolMissingError(
      `${stillMissing.join(', ')} still not found after \`${install}\``,
    );
  }
}

/**
 * Makes sure the QEMU system emulator of `profile` is installed, installing its Debian package
 * when it is missing and this process runs as root.
 *
 * @throws {@link HostToolMissingError} when QEMU is missing and cannot be installed.
 */
export async function ensureQemu(profile: E2eArchProfile, log: E2eLogger): Promise<void> {
  await ensureHostCommands([profile.qemuBinary], [profile.qemuAptPackage], log);
}
