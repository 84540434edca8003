import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RepoRootNotFoundError } from './errors.js';

/** The environment variable that overrides vmm's cache directory (the repository's `.cache`). */
export const CACHE_DIR_ENV = 'VMM_CACHE_DIR';

/**
 * Returns the repository root: the nearest directory at or above `startDir` that holds
 * `pnpm-workspace.yaml`. `startDir` defaults to the directory of this module.
 *
 * @throws {@link RepoRootNotFoundError} when no such directory exists.
 */
export function findRepoRoot(startDir: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(startDir);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new RepoRootNotFoundError(startDir);
    }
    dir = parent;
  }
}

/**
 * Returns the directory guest assets are cached in: `$VMM_CACHE_DIR/guest` when that variable
 * is set and not empty, else `<repository root>/.cache/guest` (git-ignored).
 */
export function guestCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CACHE_DIR_ENV];
  const cacheRoot =
    override !== undefined && override !== '' ? resolve(override) : join(findRepoRoot(), '.cache');
  return join(cacheRoot, 'guest');
}
