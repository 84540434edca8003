import { join, resolve } from 'node:path';
import { CACHE_DIR_ENV, findRepoRoot } from '@vmm/guest-tools';

/**
 * Returns the directory the test bed caches outer images and run logs in: `$VMM_CACHE_DIR/e2e`
 * when that variable is set and not empty, else `<repository root>/.cache/e2e` (git-ignored).
 */
export function e2eCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CACHE_DIR_ENV];
  const cacheRoot =
    override !== undefined && override !== '' ? resolve(override) : join(findRepoRoot(), '.cache');
  return join(cacheRoot, 'e2e');
}
