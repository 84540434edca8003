import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NpmPackageError } from './errors.js';
import { temporarySibling } from './file-cache.js';
import { runCommand } from './host-command.js';
import type { GuestToolsLogger } from './logger.js';

/** Options for {@link NpmPackages}. */
export interface NpmPackagesOptions {
  /** Where downloaded package tarballs are kept. */
  tarballsDir: string;
  /** Receives progress messages. */
  log: GuestToolsLogger;
}

/**
 * Returns the file name `npm pack` gives the tarball of `name`@`version`: the name without its
 * leading `@`, `/` turned into `-`, then `-<version>.tgz` (e.g.
 * `koromix-koffi-linux-arm64-3.3.4.tgz` for `@koromix/koffi-linux-arm64`).
 */
export function npmTarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replaceAll('/', '-')}-${version}.tgz`;
}

/**
 * Looks up and downloads npm packages with the host's `npm` client (`npm view`, `npm pack`)
 * into a cache directory, and unpacks their tarballs with `tar`. Nothing is installed.
 */
export class NpmPackages {
  private readonly options: NpmPackagesOptions;

  /** Creates the fetcher; see {@link NpmPackagesOptions}. */
  constructor(options: NpmPackagesOptions) {
    this.options = options;
  }

  /**
   * Returns every published version of the package `name` (`npm view <name> versions`).
   *
   * @throws {@link NpmPackageError} when npm's answer is not a version list.
   */
  async versions(name: string): Promise<string[]> {
    this.options.log(`looking up the versions of ${name} (npm view)`);
    const { stdout } = await runCommand('npm', ['view', name, 'versions', '--json']);
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      throw new NpmPackageError(`\`npm view ${name} versions --json\` printed no JSON`);
    }
    const list = typeof parsed === 'string' ? [parsed] : parsed;
    if (!Array.isArray(list) || !list.every((version) => typeof version === 'string')) {
      throw new NpmPackageError(`\`npm view ${name} versions --json\` printed no version list`);
    }
    return list;
  }

  /**
   * Downloads the tarball of `name`@`version` into the tarballs directory with `npm pack`,
   * unless it is already there, and returns its path.
   *
   * @throws {@link NpmPackageError} when npm leaves no single tarball.
   */
  async pack(name: string, version: string): Promise<string> {
    const fileName = npmTarballName(name, version);
    const path = join(this.options.tarballsDir, fileName);
    if (existsSync(path)) {
      this.options.log(`using cached ${fileName}`);
      return path;
    }
    await mkdir(this.options.tarballsDir, { recursive: true });
    this.options.log(`downloading ${name}@${version} (npm pack)`);
    const workDir = temporarySibling(path);
    await mkdir(workDir);
    try {
      await runCommand('npm', ['pack', `${name}@${version}`, '--pack-destination', workDir], {
        cwd: workDir,
      });
      const tarballs = (await readdir(workDir)).filter((entry) => entry.endsWith('.tgz'));
      if (tarballs.length !== 1 || tarballs[0] === undefined) {
        throw new NpmPackageError(
          `npm pack ${name}@${version} left ${tarballs.length} tarballs instead of one`,
        );
      }
      await rename(join(workDir, tarballs[0]), path);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
    return path;
  }

  /**
   * Unpacks `members` (paths inside the tarball such as `package/bin/node`; everything when
   * empty) of the gzip-compressed `tarball` into the existing directory `destDir` with `tar`.
   */
  async extract(tarball: string, destDir: string, members: readonly string[] = []): Promise<void> {
    await runCommand('tar', ['-xzf', tarball, '-C', destDir, ...members]);
  }
}
