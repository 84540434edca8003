import { realpath } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fetchAarch64HostAssets } from '@vmm/guest-tools';
import type { E2eArchProfile } from './arch-profile.js';
import { OuterImageError } from './errors.js';
import { swapKoffiPrebuild } from './koffi-prebuild.js';
import type { E2eLogger } from './logger.js';
import { findHostLibrary, sharedLibraries } from './shared-libraries.js';
import type { VmmDeployment } from './vmm-deploy.js';

/**
 * Where the outer host's node comes from: `this-process` when the outer host has this
 * process's architecture (its node and `ldd`'s libraries are copied), `fetched-arm64` for an
 * arm64 outer host on another machine (Node.js, koffi's module and glibc for arm64, fetched by
 * `fetchAarch64HostAssets` of @vmm/guest-tools).
 */
export type OuterNodeSource = 'this-process' | 'fetched-arm64';

/** A host file copied into the outer image, and its path there. */
export interface OuterImageHostFile {
  /** The file on this host. */
  hostPath: string;
  /** Its absolute path in the outer image. */
  imagePath: string;
}

/** The node program that runs vmm in the outer host, and the shared libraries it loads. */
export interface OuterNodeRuntime {
  /** The node executable on this host, copied into the image as `/usr/bin/node`. */
  node: string;
  /** Its shared libraries and dynamic loader, and those of the deployment's native modules. */
  libraries: readonly OuterImageHostFile[];
}

/**
 * The library `@vmm/bootloader` decompresses LZ4 kernels with when it can load it (it falls back
 * to JavaScript, ~20x slower in the emulated outer host).
 */
export const LIBLZ4_SONAME = 'liblz4.so.1';

/** Where an arm64 outer host's glibc and libraries go (a directory the arm64 loader searches). */
export const AARCH64_OUTER_LIBRARY_DIR = '/lib/aarch64-linux-gnu';

/**
 * Tells where the node of `profile`'s outer host comes from, for the running `hostArch`
 * (`process.arch` by default).
 *
 * @throws {@link OuterImageError} when there is no way: a foreign outer host other than arm64.
 */
export function outerNodeSource(
  profile: E2eArchProfile,
  hostArch: NodeJS.Architecture = process.arch,
): OuterNodeSource {
  if (hostArch === profile.nodeArch) {
    return 'this-process';
  }
  if (profile.nodeArch === 'arm64') {
    return 'fetched-arm64';
  }
  throw new OuterImageError(
    `the ${profile.arch} outer host needs a ${profile.nodeArch} node binary; this node is ${hostArch}`,
  );
}

/**
 * Gets the node runtime of the outer host from `source` and makes the vmm `deployment` load
 * with it:
 *
 * - `this-process`: this process's node (symlinks resolved) and every library `ldd` names for
 *   it and the deployment's native modules, and this host's {@link LIBLZ4_SONAME} if it has
 *   one, at their host paths;
 * - `fetched-arm64`: the fetched arm64 node, the libraries it and koffi's arm64 module need in
 *   {@link AARCH64_OUTER_LIBRARY_DIR}, and the loader where node names it
 *   (`/lib/ld-linux-aarch64.so.1`); the deployment's koffi prebuild is swapped for the arm64
 *   one ({@link swapKoffiPrebuild}).
 *
 * @throws {@link OuterImageError} or a `@vmm/guest-tools` error when a part cannot be had.
 */
export async function prepareOuterNodeRuntime(
  source: OuterNodeSource,
  deployment: VmmDeployment,
  log: E2eLogger,
): Promise<OuterNodeRuntime> {
  if (source === 'this-process') {
    const node = await realpath(process.execPath);
    const libraries = await sharedLibraries([node, ...deployment.nativeModules]);
    const lz4 = await findHostLibrary(LIBLZ4_SONAME);
    if (lz4 === undefined) {
      log(
        `no ${LIBLZ4_SONAME} on this host: the outer host's vmm decompresses LZ4 kernels in JavaScript`,
      );
    } else if (!libraries.includes(lz4)) {
      libraries.push(lz4);
    }
    return { node, libraries: libraries.map((path) => ({ hostPath: path, imagePath: path })) };
  }
  const host = await fetchAarch64HostAssets({
    log: (message) => log(`arm64 host assets: ${message}`),
  });
  await swapKoffiPrebuild(deployment.dir, host.koffiPrebuildDir);
  const libraries = [...host.libraries].sort().map((name) => ({
    hostPath: join(host.libDir, name),
    imagePath: posix.join(AARCH64_OUTER_LIBRARY_DIR, name),
  }));
  if (!libraries.some((library) => library.imagePath === host.interpreter)) {
    libraries.push({ hostPath: host.loader, imagePath: host.interpreter });
  }
  return { node: host.node, libraries };
}
