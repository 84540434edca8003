import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommandForBytes } from '@vmm/guest-tools';
import { OuterImageError } from './errors.js';

/** The workspace package of the vmm command. */
export const VMM_CLI_PACKAGE = '@vmm/cli';

/** A self-contained copy of the vmm CLI with its production dependencies. */
export interface VmmDeployment {
  /** The directory: {@link VMM_CLI_ENTRY}, `package.json`, `node_modules/` with real files. */
  dir: string;
  /** The `.node` native modules in it (koffi's prebuilt binaries), for `ldd`. */
  nativeModules: string[];
  /** Deletes the directory. */
  remove(): Promise<void>;
}

/** pnpm's bookkeeping files in a deployment; they hold timestamps and are not needed to run. */
const PNPM_BOOKKEEPING: readonly string[] = [
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'node_modules/.modules.yaml',
  'node_modules/.pnpm-workspace-state-v1.json',
  'node_modules/.pnpm/lock.yaml',
];

/** The `vmm` command's entry file in the CLI package (its `bin`), relative to the package. */
export const VMM_CLI_ENTRY = 'dist/vmm.cjs';

/**
 * Tells whether the file at `relativePath` (relative to the deployment, `/`-separated) belongs
 * in the outer image: not source maps, not type declarations (node needs neither) and not
 * pnpm's bookkeeping, whose timestamps would change the image's hash on every deployment.
 */
export function keepDeployedFile(relativePath: string): boolean {
  return (
    !relativePath.endsWith('.map') &&
    !relativePath.endsWith('.d.ts') &&
    !PNPM_BOOKKEEPING.includes(relativePath)
  );
}

async function findNativeModules(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.node'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Deploys the built vmm CLI of the workspace at `repoRoot` into a fresh temporary directory with
 * `pnpm --filter @vmm/cli deploy --prod <dir>` (the workspace's own pnpm): its `dist/` plus a
 * `node_modules/` holding copies of the built @vmm packages and koffi with its prebuilt native
 * module, linked by relative symlinks. Nothing in the workspace changes.
 *
 * @throws {@link OuterImageError} when the CLI is not built or the deployment lacks it.
 * @throws `CommandFailedError` (@vmm/guest-tools) when pnpm fails.
 */
export async function deployVmmCli(repoRoot: string): Promise<VmmDeployment> {
  if (!existsSync(join(repoRoot, 'apps', 'cli', VMM_CLI_ENTRY))) {
    throw new OuterImageError(
      'the vmm CLI is not built: run `pnpm --filter @vmm/cli... run build` in the repository first',
    );
  }
  const pnpm = join(repoRoot, 'node_modules', '.bin', 'pnpm');
  if (!existsSync(pnpm)) {
    throw new OuterImageError(`${pnpm} not found: run \`pnpm install\` in the repository first`);
  }
  const parent = await mkdtemp(join(tmpdir(), 'vmm-e2e-deploy-'));
  const dir = join(parent, 'vmm');
  const remove = (): Promise<void> => rm(parent, { recursive: true, force: true });
  try {
    await runCommandForBytes(pnpm, [
      '--dir',
      repoRoot,
      '--filter',
      VMM_CLI_PACKAGE,
      'deploy',
      '--prod',
      dir,
    ]);
    if (!existsSync(join(dir, VMM_CLI_ENTRY))) {
      throw new OuterImageError(`pnpm deploy of ${VMM_CLI_PACKAGE} produced no ${VMM_CLI_ENTRY}`);
    }
    return { dir, nativeModules: await findNativeModules(dir), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
