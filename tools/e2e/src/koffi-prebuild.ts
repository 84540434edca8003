import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { OuterImageError } from './errors.js';

/** The npm scope of koffi's prebuilt native module packages (`@koromix/koffi-linux-arm64`). */
export const KOFFI_PREBUILD_SCOPE = '@koromix';

/** What {@link swapKoffiPrebuild} put into a deployment. */
export interface SwappedKoffiPrebuild {
  /** The package's name, e.g. `@koromix/koffi-linux-arm64`. */
  name: string;
  /** Its version, equal to koffi's. */
  version: string;
  /** Where it now is in the deployment. */
  dir: string;
}

async function readManifest(dir: string): Promise<{ name: string; version: string }> {
  const file = join(dir, 'package.json');
  try {
    const manifest = JSON.parse(await readFile(file, 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    if (typeof manifest.name === 'string' && typeof manifest.version === 'string') {
      return { name: manifest.name, version: manifest.version };
    }
  } catch (error) {
    throw new OuterImageError(`cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  throw new OuterImageError(`${file} names no package name and version`);
}

/**
 * The name pnpm gives a package's directory in `node_modules/.pnpm`: `@koromix/koffi-linux-arm64`
 * at 3.3.4 is `@koromix+koffi-linux-arm64@3.3.4`.
 */
export function pnpmStoreDirName(name: string, version: string): string {
  return `${name.replace('/', '+')}@${version}`;
}

/**
 * Puts koffi's prebuilt native module package `prebuildDir` (an unpacked
 * `@koromix/koffi-<platform>-<arch>` package, e.g. the arm64 one @vmm/guest-tools fetches) into
 * the pnpm deployment `deployDir` in place of the ones pnpm installed for this host, laid out as
 * pnpm would have installed it on the other machine:
 * `node_modules/.pnpm/<scope>+<name>@<version>/node_modules/<scope>/<name>/`, linked from
 * `node_modules/.pnpm/koffi@<version>/node_modules/<scope>/<name>`. That link is where koffi 3
 * looks: it requires `@koromix/koffi-<process.platform>-<process.arch>` from its own directory,
 * and tries `<koffi>/../@koromix/koffi-<platform>-<arch>` next. This host's prebuilds and
 * their links are removed: the other machine cannot load them.
 *
 * @throws {@link OuterImageError} when the deployment holds no koffi, or a koffi whose version
 * differs from the prebuild's (koffi refuses a native module of another version).
 */
export async function swapKoffiPrebuild(
  deployDir: string,
  prebuildDir: string,
): Promise<SwappedKoffiPrebuild> {
  const prebuild = await readManifest(prebuildDir);
  const pnpmDir = join(deployDir, 'node_modules', '.pnpm');
  const entries = existsSync(pnpmDir) ? (await readdir(pnpmDir)).sort() : [];
  const koffiDirs = entries
    .filter((name) => name.startsWith('koffi@'))
    .map((name) => join(pnpmDir, name));
  if (koffiDirs.length === 0) {
    throw new OuterImageError(`the vmm deployment in ${deployDir} holds no koffi package`);
  }
  for (const koffiDir of koffiDirs) {
    const koffi = await readManifest(join(koffiDir, 'node_modules', 'koffi'));
    if (koffi.version !== prebuild.version) {
      throw new OuterImageError(
        `the vmm deployment has koffi ${koffi.version} but ${prebuildDir} holds ` +
          `${prebuild.name} ${prebuild.version}; delete it and fetch the host assets again`,
      );
    }
  }
  const prefix = `${KOFFI_PREBUILD_SCOPE}+koffi-`;
  for (const name of entries.filter((entry) => entry.startsWith(prefix))) {
    await rm(join(pnpmDir, name), { recursive: true, force: true });
  }
  const linkDirs = [
    ...koffiDirs.map((dir) => join(dir, 'node_modules', KOFFI_PREBUILD_SCOPE)),
    join(pnpmDir, 'node_modules', KOFFI_PREBUILD_SCOPE),
  ];
  for (const linkDir of linkDirs.filter((dir) => existsSync(dir))) {
    for (const name of await readdir(linkDir)) {
      if (name.startsWith('koffi-')) {
        await rm(join(linkDir, name), { recursive: true, force: true });
      }
    }
  }
  const dir = join(
    pnpmDir,
    pnpmStoreDirName(prebuild.name, prebuild.version),
    'node_modules',
    prebuild.name,
  );
  await mkdir(dirname(dir), { recursive: true });
  await cp(prebuildDir, dir, { recursive: true });
  for (const koffiDir of koffiDirs) {
    const link = join(koffiDir, 'node_modules', prebuild.name);
    await mkdir(dirname(link), { recursive: true });
    await symlink(relative(dirname(link), dir), link);
  }
  return { ...prebuild, dir };
}
