import { HostSetupError } from './errors.js';
import { commandExists, isRoot, runCommand } from './host-command.js';
import type { GuestToolsLogger } from './logger.js';

/** Host commands the tool runs, each with the Debian package that provides it. */
const REQUIRED_COMMANDS: readonly (readonly [command: string, aptPackage: string])[] = [
  ['apt-cache', 'apt'],
  ['dpkg-deb', 'dpkg'],
];

/**
 * Makes sure this host can fetch and unpack Debian packages: `apt-get` must exist (the host is
 * Debian or a derivative), and any missing helper (`apt-cache`, `dpkg-deb`) is installed with
 * `apt-get install -y` when running as root. Does nothing when everything is present.
 *
 * @throws {@link HostSetupError} with the command to run when something is missing and cannot
 * be installed (no apt-get, or not root).
 */
export async function ensureDebianHost(log: GuestToolsLogger): Promise<void> {
  if (!commandExists('apt-get')) {
    throw new HostSetupError(
      'apt-get not found: vmm-guest fetches Debian packages and needs a Debian or Ubuntu host (or container)',
    );
  }
  const missing = REQUIRED_COMMANDS.filter(([command]) => !commandExists(command));
  if (missing.length === 0) {
    return;
  }
  const packages = missing.map(([, aptPackage]) => aptPackage);
  const names = missing.map(([command]) => command).join(', ');
  if (!isRoot()) {
    throw new HostSetupError(
      `${names} missing: run \`sudo apt-get install -y ${packages.join(' ')}\` or run vmm-guest as root`,
    );
  }
  log(`${names} missing; installing ${packages.join(' ')} with apt-get`);
  await runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
}
