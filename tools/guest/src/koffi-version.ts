import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NpmPackageError } from './errors.js';

/**
 * Where the workspace's koffi may be installed, relative to the repository root: hoisted to the
 * root, or (pnpm's default) in the node_modules of the KVM backend, the package that loads it.
 */
export const KOFFI_PACKAGE_JSON_CANDIDATES: readonly string[] = [
  'node_modules/koffi/package.json',
  'packages/kvm/node_modules/koffi/package.json',
];

/**
 * Returns the version of the koffi the workspace at `repoRoot` has installed, read from the
 * first of {@link KOFFI_PACKAGE_JSON_CANDIDATES} that exists.
 *
 * @throws {@link NpmPackageError} when koffi is not installed (run `pnpm install`) or its
 * package.json has no version.
 */
export function workspaceKoffiVersion(repoRoot: string): string {
  for (const candidate of KOFFI_PACKAGE_JSON_CANDIDATES) {
    const path = join(repoRoot, candidate);
    if (!existsSync(path)) {
      continue;
    }
    const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
    if (typeof version !== 'string' || version === '') {
      throw new NpmPackageError(`${path} names no version`);
    }
    return version;
  }
  throw new NpmPackageError(
    `koffi is not installed in ${repoRoot} (looked for ${KOFFI_PACKAGE_JSON_CANDIDATES.join(', ')}): run \`pnpm install\`, or pass koffiVersion`,
  );
}
