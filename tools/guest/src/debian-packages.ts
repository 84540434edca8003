import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CommandFailedError, DebianPackageError, HostSetupError } from './errors.js';
import { temporarySibling } from './file-cache.js';
import type { GuestArchProfile } from './guest-arch.js';
import { isRoot, runCommand } from './host-command.js';
import type { GuestToolsLogger } from './logger.js';

/** The fields of one package's apt record that this tool uses. */
export interface DebianPackageInfo {
  /** Package name, e.g. `busybox-static`. */
  name: string;
  /** Full version, with any epoch, e.g. `1:1.35.0-4+deb12u1+b1`. */
  version: string;
  /** Debian architecture of the package, e.g. `amd64`. */
  architecture: string;
  /** The raw `Depends:` field; empty when the package has none. */
  depends: string;
  /**
   * The version of the source package it was built from: the version in `Source: name (version)`
   * when the record has one (a binary-only rebuild, `+b1`), else {@link version}. Equal source
   * versions on two architectures mean the same source and configuration.
   */
  sourceVersion: string;
}

/** Options for {@link DebianPackages}. */
export interface DebianPackagesOptions {
  /** Where downloaded `.deb` files are kept. */
  debsDir: string;
  /** Receives progress messages. */
  log: GuestToolsLogger;
}

/** Name of the file, inside an unpacked tree, that records which `.deb` the tree came from. */
const UNPACKED_FROM = '.vmm-unpacked-from';

/**
 * Fetches and unpacks Debian packages with the host's apt: `apt-cache show` to look packages
 * up, `apt-get download` into a cache directory (skipped when the `.deb` is already there) and
 * `dpkg-deb -x` to unpack. Nothing is installed on the host. When the apt package lists do not
 * know a package, or a download fails, it runs `apt-get update` once (root only) and retries.
 */
export class DebianPackages {
  private listsUpdate: Promise<void> | null = null;

  private readonly known = new Map<string, DebianPackageInfo>();

  private readonly options: DebianPackagesOptions;

  /** Creates the fetcher; see {@link DebianPackagesOptions}. */
  constructor(options: DebianPackagesOptions) {
    this.options = options;
  }

  /**
   * Looks up the candidate version of `spec` (`name` or `name:arch`). Answers are remembered
   * until this fetcher runs `apt-get update`.
   *
   * @throws {@link DebianPackageError} when apt does not know the package even after an update.
   * @throws {@link HostSetupError} when the lists need an update and this process is not root.
   */
  async info(spec: string): Promise<DebianPackageInfo> {
    const cached = this.known.get(spec);
    if (cached !== undefined) {
      return cached;
    }
    let found = await this.show(spec);
    if (found === null) {
      await this.updateLists(`apt does not know ${spec}`);
      found = await this.show(spec);
    }
    if (found === null) {
      throw new DebianPackageError(
        `apt knows no package ${spec}, even after apt-get update: enable Debian bookworm 'main' in /etc/apt/sources.list`,
      );
    }
    this.known.set(spec, found);
    return found;
  }

  /**
   * Returns the name of the versioned kernel image package (e.g. `linux-image-6.1.0-56-cloud-amd64`)
   * that the profile's kernel metapackage currently depends on.
   *
   * @throws {@link DebianPackageError} when the metapackage names no `linux-image-<version>` package.
   */
  async resolveKernelPackage(profile: GuestArchProfile): Promise<string> {
    const meta = await this.info(archQualified(profile.kernelMetaPackage, profile.debianArch));
    const image = kernelImagePackage(meta.depends);
    if (image === null) {
      throw new DebianPackageError(
        `${meta.name} ${meta.version} depends on no linux-image-<version> package (Depends: ${meta.depends})`,
      );
    }
    return image;
  }

  /**
   * Downloads the candidate version of `spec` (`name:arch`) into the debs directory with
   * `apt-get download`, unless that exact `.deb` is already there, and returns its path.
   */
  download(spec: string): Promise<string> {
    return this.downloadOnce(spec, true);
  }

  /**
   * Unpacks the files of the `.deb` at `debPath` into `destDir` with `dpkg-deb -x`, replacing
   * what was there, unless `destDir` already holds that same package. Returns whether it unpacked.
   */
  async unpack(debPath: string, destDir: string): Promise<boolean> {
    const stamp = basename(debPath);
    if ((await readStamp(destDir)) === stamp) {
      return false;
    }
    this.options.log(`unpacking ${stamp} (dpkg-deb -x)`);
    const temporary = temporarySibling(destDir);
    try {
      await runCommand('dpkg-deb', ['-x', debPath, temporary]);
      await writeFile(join(temporary, UNPACKED_FROM), `${stamp}\n`);
      await rm(destDir, { recursive: true, force: true });
      await rename(temporary, destDir);
    } catch (error) {
      if ((await readStamp(destDir)) !== stamp) {
        throw error;
      }
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
    return true;
  }

  private async downloadOnce(spec: string, mayUpdateLists: boolean): Promise<string> {
    const info = await this.info(spec);
    const fileName = debFileName(info);
    const path = join(this.options.debsDir, fileName);
    if (existsSync(path)) {
      this.options.log(`using cached ${fileName}`);
      return path;
    }
    await mkdir(this.options.debsDir, { recursive: true });
    this.options.log(`downloading ${info.name} ${info.version} (apt-get download)`);
    try {
      await this.downloadTo(info, path);
    } catch (error) {
      if (!(error instanceof CommandFailedError) || !mayUpdateLists || !isRoot()) {
        throw error;
      }
      await this.updateLists(`downloading ${info.name} failed`);
      return this.downloadOnce(spec, false);
    }
    return path;
  }

  private async downloadTo(info: DebianPackageInfo, path: string): Promise<void> {
    const workDir = temporarySibling(path);
    await mkdir(workDir);
    try {
      await runCommand(
        'apt-get',
        ['download', `${info.name}:${info.architecture}=${info.version}`],
        { cwd: workDir },
      );
      const debs = (await readdir(workDir)).filter((name) => name.endsWith('.deb'));
      if (debs.length !== 1 || debs[0] === undefined) {
        throw new DebianPackageError(
          `apt-get download ${info.name} left ${debs.length} .deb files instead of one`,
        );
      }
      await rename(join(workDir, debs[0]), path);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private async show(spec: string): Promise<DebianPackageInfo | null> {
    try {
      const { stdout } = await runCommand('apt-cache', ['show', '--no-all-versions', spec]);
      return parseAptCacheShow(stdout);
    } catch (error) {
      if (error instanceof CommandFailedError) {
        return null;
      }
      throw error;
    }
  }

  /**
   * Runs `apt-get update` once for this fetcher (later calls wait for that same run), logging
   * `reason`.
   *
   * @throws {@link HostSetupError} when this process is not root.
   */
  updateLists(reason: string): Promise<void> {
    if (!isRoot()) {
      throw new HostSetupError(
        `${reason}: run \`sudo apt-get update\` (or run vmm-guest as root) and try again`,
      );
    }
    if (this.listsUpdate === null) {
      this.options.log(`${reason}; running apt-get update`);
      this.listsUpdate = runCommand('apt-get', ['update']).then(() => {
        this.known.clear();
      });
    }
    return this.listsUpdate;
  }
}

/**
 * Returns the package name with Debian's architecture qualifier, e.g. `busybox-static:arm64`,
 * the form apt-cache and apt-get take for a foreign-architecture package.
 */
export function archQualified(name: string, debianArch: string): string {
  return `${name}:${debianArch}`;
}

/**
 * Returns the versioned kernel image package (`linux-image-<version>...`) that a kernel
 * metapackage's `Depends:` field names, without version constraints or an architecture
 * qualifier, e.g. `linux-image-6.1.0-56-cloud-arm64` from
 * `linux-image-6.1.0-56-cloud-arm64:arm64 (= 6.1.192-2)`; `null` when there is none.
 */
export function kernelImagePackage(depends: string): string | null {
  const names = depends
    .split(/[,|]/)
    .map((dependency) => dependency.trim().split(/[\s(]/)[0]?.split(':')[0] ?? '');
  return names.find((name) => /^linux-image-\d/.test(name)) ?? null;
}

/**
 * Parses the output of `apt-cache show --no-all-versions <spec>` (one record) into a
 * {@link DebianPackageInfo}; `null` when it has no `Package:` or `Version:` field.
 */
export function parseAptCacheShow(record: string): DebianPackageInfo | null {
  const field = (name: string): string =>
    new RegExp(`^${name}: (.*)$`, 'm').exec(record)?.[1]?.trim() ?? '';
  const version = field('Version');
  const source = /\((.+)\)/.exec(field('Source'))?.[1]?.trim();
  const info = {
    name: field('Package'),
    version,
    architecture: field('Architecture'),
    depends: field('Depends'),
    sourceVersion: source ?? version,
  };
  return info.name === '' || info.version === '' ? null : info;
}

/** The file name `apt-get download` gives a package: `name_version_arch.deb`, `:` as `%3a`. */
export function debFileName(info: DebianPackageInfo): string {
  return `${info.name}_${info.version.replaceAll(':', '%3a')}_${info.architecture}.deb`;
}

async function readStamp(dir: string): Promise<string | null> {
  const text = await readFile(join(dir, UNPACKED_FROM), 'utf8').catch(() => null);
  return text === null ? null : text.trim();
}
