import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  fetchGuestAssets,
  findRepoRoot,
  initramfsEntries,
  writeCpioNewc,
  type GuestToolsLogger,
} from '@vmm/guest-tools';
import { E2E_ARCH_PROFILES, type E2eArch } from './arch-profile.js';
import { e2eCacheDir } from './e2e-cache-dir.js';
import { OuterImageError } from './errors.js';
import { ImageTree, imageCacheKey } from './image-tree.js';
import { readKernelModule } from './kernel-modules.js';
import { stderrLogger, type E2eLogger } from './logger.js';
import {
  renderOuterInit,
  renderStallSnapshotScript,
  renderVmmWrapper,
} from './outer-init-script.js';
import { outerNodeSource, prepareOuterNodeRuntime } from './outer-node-runtime.js';
import {
  OUTER_QEMU_LAYOUT,
  locateQemuBundle,
  outerQemuPath,
  type OuterQemuOptions,
} from './qemu-bundle.js';
import { deployVmmCli, keepDeployedFile, VMM_CLI_ENTRY } from './vmm-deploy.js';

/** Where things live inside the outer host image. */
export const OUTER_IMAGE_LAYOUT = {
  /** The host's node binary. */
  node: '/usr/bin/node',
  /** The deployed vmm CLI (`dist/`, `node_modules/`). */
  vmmDir: '/opt/vmm',
  /** The script that runs the vmm CLI with node. */
  vmmWrapper: '/bin/vmm',
  /** The script that writes every VM's KVM counters twice, a second apart. */
  stallSnapshot: '/bin/e2e-stall-snapshot',
  /** The KVM kernel modules, uncompressed. */
  modulesDir: '/lib/modules/e2e',
  /** The inner guest's kernel. */
  innerKernel: '/guest/vmlinuz',
  /** The inner guest's initramfs (the stock one of @vmm/guest-tools). */
  innerInitramfs: '/guest/initramfs.cpio.gz',
} as const;

/** Busybox applets the outer /init needs, added to whatever the guest busybox list has. */
const OUTER_APPLETS: readonly string[] = [
  'cat',
  'dmesg',
  'echo',
  'grep',
  'insmod',
  'kill',
  'mount',
  'poweroff',
  'sed',
  'sh',
  'sleep',
  'stty',
  'timeout',
];

/** Names the format of the outer image; change it when the builder changes what it writes. */
const IMAGE_FORMAT = 'vmm-e2e-outer-image-v1';

/** An outer host image in the cache, ready for QEMU. */
export interface OuterImage {
  /** Its architecture. */
  arch: E2eArch;
  /** The outer host's kernel (the Debian kernel of @vmm/guest-tools, also the inner one). */
  kernel: string;
  /** The outer initramfs: an uncompressed cpio newc archive (unpacks fastest under emulation). */
  initrd: string;
  /** The kernel release of both kernels, e.g. `6.1.0-56-cloud-amd64`. */
  kernelRelease: string;
  /** The content hash of the image's files (its cache key). */
  key: string;
  /** The size of {@link initrd} in bytes. */
  sizeBytes: number;
  /** True when the image came from the cache, false when it was just built. */
  reused: boolean;
  /** The variant's name (`BuildOuterImageOptions.variant`), or `null` for the standard image. */
  variant: string | null;
  /** The QEMU program inside the image, or `null` when the image holds no QEMU. */
  qemuBinary: string | null;
}

/** A file added to the outer image as it is, e.g. a benchmark's script. */
export interface OuterImageExtraFile {
  /** Its absolute path inside the image; it must not collide with the image's own files. */
  path: string;
  /** Its contents; a string is written as UTF-8. */
  data: Uint8Array | string;
  /** Permission bits; 0o644 when omitted. */
  mode?: number;
}

/** Options for {@link buildOuterImage}. */
export interface BuildOuterImageOptions {
  /** The architecture; `x86_64` by default. */
  arch?: E2eArch;
  /** Receives progress messages; {@link stderrLogger} by default. */
  log?: E2eLogger;
  /** The cache directory; {@link e2eCacheDir}() by default. */
  cacheDir?: string;
  /** The repository whose vmm CLI goes into the image; found from this module by default. */
  repoRoot?: string;
  /**
   * Also put the host's QEMU system emulator of the architecture into the image, for
   * benchmarks that run it beside vmm in the outer host: the program at
   * `/usr/bin/<profile.qemuBinary>`, its shared libraries at their host paths and the named
   * firmware files in `/qemu-share` (`-L /qemu-share`). Needs a {@link variant}.
   */
  qemu?: OuterQemuOptions;
  /** Files to add as they are (e.g. a benchmark's script). Needs a {@link variant}. */
  extraFiles?: readonly OuterImageExtraFile[];
  /**
   * Names an image with extra contents ({@link qemu}, {@link extraFiles}): it is cached as
   * `outer-<variant>-<hash>.cpio` and replaces only older images of the same variant, so the
   * standard image (`outer-<hash>.cpio`, kept small) and each variant live side by side.
   * Lowercase letters, digits and dashes.
   */
  variant?: string;
}

/** The cache file names of images of `variant` (`null`: the standard image). */
function cacheFileName(variant: string | null, key: string): string {
  return variant === null
    ? `outer-${key.slice(0, 16)}.cpio`
    : `outer-${variant}-${key.slice(0, 16)}.cpio`;
}

/** Tells whether `name` is the cache file of an image of `variant` (any hash). */
export function isOuterImageFile(name: string, variant: string | null): boolean {
  const prefix = variant === null ? 'outer-' : `outer-${variant}-`;
  return name.startsWith(prefix) && /^[0-9a-f]{16}\.cpio$/.test(name.slice(prefix.length));
}

function checkVariant(options: BuildOuterImageOptions): string | null {
  const variant = options.variant ?? null;
  if (variant !== null && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(variant)) {
    throw new OuterImageError(
      `outer image variant '${variant}' must be lowercase letters, digits and single dashes`,
    );
  }
  const extras = options.qemu !== undefined || (options.extraFiles ?? []).length > 0;
  if (extras && variant === null) {
    throw new OuterImageError(
      'an outer image with QEMU or extra files needs a variant name, so that it does not replace the standard image',
    );
  }
  return variant;
}

/**
 * Builds, or finds in the cache, the initramfs of the emulated outer host for `options.arch`:
 *
 * - busybox (static, from @vmm/guest-tools) with its applets and the outer `/init`
 *   ({@link renderOuterInit}), plus static nodes for the serial ports;
 * - the KVM modules of the Debian kernel (decompressed when they are `.ko.xz`);
 * - node with its shared libraries ({@link prepareOuterNodeRuntime}): this process's node and
 *   what `ldd` names, at the same paths, or for an arm64 outer host on another machine the
 *   fetched arm64 node and glibc, with koffi's arm64 module in the deployment;
 * - the vmm CLI as `pnpm deploy` lays it out, and `/bin/vmm` to run it;
 * - `/bin/e2e-stall-snapshot` ({@link renderStallSnapshotScript}), which a command's deadline
 *   runs shortly before it kills the command;
 * - the inner guest's kernel and stock initramfs under `/guest`;
 * - for a variant (`options.variant`): QEMU with its libraries and firmware
 *   (`options.qemu`) and `options.extraFiles`.
 *
 * The files are gathered first and hashed ({@link imageCacheKey}); the archive is written only
 * when no image with that hash is cached, as `<cache>/<arch>/outer-<hash>.cpio` (or
 * `outer-<variant>-<hash>.cpio`), and older images of the architecture and variant are deleted
 * then. Guest assets are fetched when missing.
 *
 * @throws {@link OuterImageError} when a part is missing (vmm not built, modules absent, QEMU
 * or its firmware absent), the running node cannot run in the outer host, an extra file
 * collides with the image's own, or extras come without a valid variant name.
 */
export async function buildOuterImage(options: BuildOuterImageOptions = {}): Promise<OuterImage> {
  const profile = E2E_ARCH_PROFILES[options.arch ?? 'x86_64'];
  const log = options.log ?? stderrLogger;
  const variant = checkVariant(options);
  const nodeSource = outerNodeSource(profile);
  const guestLog: GuestToolsLogger = (message) => log(`guest assets: ${message}`);
  const assets = await fetchGuestAssets({ arch: profile.guestArch, log: guestLog });
  const modules = await Promise.all(
    profile.kvmModules(assets).map((path) => readKernelModule(path, log)),
  );
  const modulePaths = modules.map((module) => `${OUTER_IMAGE_LAYOUT.modulesDir}/${module.name}`);
  const consolePorts = [
    profile.consolePort,
    ...(profile.kernelLogPort ? [profile.kernelLogPort] : []),
  ];

  const tree = new ImageTree(
    initramfsEntries({
      busybox: await readFile(assets.busybox),
      applets: [...new Set([...assets.applets, ...OUTER_APPLETS])],
      init: renderOuterInit({
        consoleDevice: profile.consolePort.device,
        modules: modulePaths,
        silenceKernelConsole: profile.kernelLogPort === null,
      }),
    }),
  );
  for (const port of consolePorts) {
    tree.add({
      type: 'char-device',
      path: `/dev/${port.device}`,
      major: port.major,
      minor: port.minor,
      mode: 0o600,
    });
  }
  modules.forEach((module, index) => {
    tree.add({ type: 'file', path: modulePaths[index] ?? '', data: module.data, mode: 0o644 });
  });

  const repoRoot = options.repoRoot ?? findRepoRoot();
  const deployment = await deployVmmCli(repoRoot);
  try {
    const runtime = await prepareOuterNodeRuntime(nodeSource, deployment, log);
    await tree.addHostDirectory(deployment.dir, OUTER_IMAGE_LAYOUT.vmmDir, keepDeployedFile);
    tree.add({
      type: 'file',
      path: OUTER_IMAGE_LAYOUT.node,
      data: await readFile(runtime.node),
      mode: 0o755,
    });
    const qemu = options.qemu === undefined ? null : await locateQemuBundle(profile, options.qemu);
    const libraries = new Map(runtime.libraries.map((file) => [file.imagePath, file.hostPath]));
    if (qemu !== null) {
      tree.add({
        type: 'file',
        path: outerQemuPath(profile),
        data: await readFile(qemu.binary),
        mode: 0o755,
      });
      for (const firmware of qemu.firmware) {
        tree.add({
          type: 'file',
          path: `${OUTER_QEMU_LAYOUT.firmwareDir}/${firmware.name}`,
          data: await readFile(firmware.hostPath),
          mode: 0o644,
        });
      }
      qemu.libraries.forEach((library) => libraries.set(library, library));
    }
    for (const path of [...libraries.keys()].sort()) {
      const data = await readFile(libraries.get(path) ?? path);
      tree.add({ type: 'file', path, data, mode: 0o755 });
    }
  } finally {
    await deployment.remove();
  }
  tree.add({
    type: 'file',
    path: OUTER_IMAGE_LAYOUT.vmmWrapper,
    data: renderVmmWrapper(
      OUTER_IMAGE_LAYOUT.node,
      `${OUTER_IMAGE_LAYOUT.vmmDir}/${VMM_CLI_ENTRY}`,
    ),
    mode: 0o755,
  });
  tree.add({
    type: 'file',
    path: OUTER_IMAGE_LAYOUT.stallSnapshot,
    data: renderStallSnapshotScript(),
    mode: 0o755,
  });
  tree.add({
    type: 'file',
    path: OUTER_IMAGE_LAYOUT.innerKernel,
    data: await readFile(assets.vmlinuz),
  });
  tree.add({
    type: 'file',
    path: OUTER_IMAGE_LAYOUT.innerInitramfs,
    data: await readFile(assets.initramfs),
  });

  for (const file of options.extraFiles ?? []) {
    tree.add({ type: 'file', path: file.path, data: file.data, mode: file.mode ?? 0o644 });
  }

  const key = imageCacheKey(tree.entries, IMAGE_FORMAT);
  const dir = join(options.cacheDir ?? e2eCacheDir(), profile.arch);
  const fileName = cacheFileName(variant, key);
  const initrd = join(dir, fileName);
  const image = {
    arch: profile.arch,
    kernel: assets.vmlinuz,
    initrd,
    kernelRelease: assets.kernelRelease,
    key,
    variant,
    qemuBinary: options.qemu === undefined ? null : outerQemuPath(profile),
  };
  if (existsSync(initrd)) {
    log(`outer image ${initrd} is up to date`);
    return { ...image, sizeBytes: (await stat(initrd)).size, reused: true };
  }
  const archive = writeCpioNewc(tree.entries, { mtime: 0 });
  await mkdir(dir, { recursive: true });
  const partial = `${initrd}.partial-${process.pid}`;
  await writeFile(partial, archive);
  await rename(partial, initrd);
  for (const name of await readdir(dir)) {
    if (isOuterImageFile(name, variant) && name !== fileName) {
      await rm(join(dir, name), { force: true });
    }
  }
  log(`built outer image ${initrd} (${(archive.length / 2 ** 20).toFixed(0)} MiB)`);
  return { ...image, sizeBytes: archive.length, reused: false };
}
