import { HostSetupError } from './errors.js';
import { isRoot, runCommand } from './host-command.js';
import type { GuestToolsLogger } from './logger.js';

/** The Debian architectures dpkg installs and apt fetches packages for on this host. */
export interface DpkgArchitectures {
  /** The host's own architecture (`dpkg --print-architecture`), e.g. `amd64`. */
  native: string;
  /** The foreign architectures added with `dpkg --add-architecture`, e.g. `['arm64']`. */
  foreign: readonly string[];
}

/**
 * Tells whether `debianArch` must be added with `dpkg --add-architecture` before apt can fetch
 * its packages: it is neither the host's architecture nor already a foreign one.
 */
export function needsForeignArchitecture(
  architectures: DpkgArchitectures,
  debianArch: string,
): boolean {
  return architectures.native !== debianArch && !architectures.foreign.includes(debianArch);
}

/** Splits the output of `dpkg --print-foreign-architectures` (one name a line) into names. */
export function parseArchitectureList(output: string): string[] {
  return output
    .split(/\s+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Asks dpkg for the host's native and foreign architectures. */
export async function dpkgArchitectures(): Promise<DpkgArchitectures> {
  const [native, foreign] = await Promise.all([
    runCommand('dpkg', ['--print-architecture']),
    runCommand('dpkg', ['--print-foreign-architectures']),
  ]);
  return { native: native.stdout.trim(), foreign: parseArchitectureList(foreign.stdout) };
}

/** What {@link ensureDpkgArchitecture} found and did. */
export interface DpkgArchitectureSetup {
  /** The host's own Debian architecture, e.g. `amd64`. */
  native: string;
  /** Whether it ran `dpkg --add-architecture` (then `apt-get update` must follow). */
  added: boolean;
}

/**
 * Makes sure apt can fetch packages of `debianArch` (e.g. `arm64` on an amd64 host): when it is
 * neither the native architecture nor a foreign one yet, runs `dpkg --add-architecture` (root
 * only). When it added the architecture the caller must run `apt-get update`, since the package
 * lists of the new architecture are not there yet.
 *
 * @throws {@link HostSetupError} with the commands to run when the architecture is missing and
 * this process is not root.
 */
export async function ensureDpkgArchitecture(
  debianArch: string,
  log: GuestToolsLogger,
): Promise<DpkgArchitectureSetup> {
  const architectures = await dpkgArchitectures();
  if (!needsForeignArchitecture(architectures, debianArch)) {
    return { native: architectures.native, added: false };
  }
  if (!isRoot()) {
    throw new HostSetupError(
      `apt cannot fetch ${debianArch} packages on this ${architectures.native} host: run \`sudo dpkg --add-architecture ${debianArch} && sudo apt-get update\` (or run vmm-guest as root)`,
    );
  }
  log(`adding the foreign dpkg architecture ${debianArch} (dpkg --add-architecture)`);
  await runCommand('dpkg', ['--add-architecture', debianArch]);
  return { native: architectures.native, added: true };
}
