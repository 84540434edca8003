import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import type { CpioEntry } from '@vmm/guest-tools';
import { OuterImageError } from './errors.js';

/** Strips leading slashes and rejects `.`/`..` parts, giving a path as cpio stores it. */
function imagePath(path: string): string {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length === 0 || parts.includes('.') || parts.includes('..')) {
    throw new OuterImageError(`'${path}' is not a plain absolute path inside the outer image`);
  }
  return parts.join('/');
}

/**
 * The file tree of an initramfs under construction, as cpio entries in an order the kernel can
 * unpack: every entry's parent directories are added before it when missing.
 */
export class ImageTree {
  readonly #entries: CpioEntry[] = [];
  readonly #paths = new Set<string>();

  /** Starts from `base` (e.g. `initramfsEntries()` of @vmm/guest-tools), taken as it is. */
  constructor(base: readonly CpioEntry[] = []) {
    for (const entry of base) {
      this.#entries.push(entry);
      this.#paths.add(imagePath(entry.path));
    }
  }

  /** The entries so far, in archive order. */
  get entries(): readonly CpioEntry[] {
    return this.#entries;
  }

  /** Tells whether `path` is in the tree. */
  has(path: string): boolean {
    return this.#paths.has(imagePath(path));
  }

  /**
   * Adds `entry` after any missing parent directories (mode 0755).
   *
   * @throws {@link OuterImageError} when its path is already taken or is not plain.
   */
  add(entry: CpioEntry): void {
    const path = imagePath(entry.path);
    if (this.#paths.has(path)) {
      throw new OuterImageError(`'/${path}' would be in the outer image twice`);
    }
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      if (!this.#paths.has(dir)) {
        this.#entries.push({ type: 'directory', path: dir, mode: 0o755 });
        this.#paths.add(dir);
      }
    }
    this.#entries.push({ ...entry, path });
    this.#paths.add(path);
  }

  /**
   * Copies the host directory `hostDir` into the tree at `imageDir`: regular files (executable
   * ones keep mode 0755, others get 0644), directories, and symlinks whose targets are relative
   * (absolute targets inside `hostDir` are made relative). Entries are added in sorted order;
   * files for which `keep` returns false are skipped.
   *
   * @throws {@link OuterImageError} for a symlink that leads out of `hostDir`, or a special file.
   */
  async addHostDirectory(
    hostDir: string,
    imageDir: string,
    keep: (relativePath: string) => boolean = () => true,
  ): Promise<void> {
    const names = (await readdir(hostDir)).sort();
    for (const name of names) {
      await this.#addHostPath(hostDir, join(hostDir, name), imageDir, keep);
    }
  }

  async #addHostPath(
    root: string,
    hostPath: string,
    imageDir: string,
    keep: (relativePath: string) => boolean,
  ): Promise<void> {
    const rel = relative(root, hostPath).split(sep).join('/');
    const target = posix.join(imageDir, rel);
    const stats = await lstat(hostPath);
    if (stats.isDirectory()) {
      if (!this.has(target)) {
        this.add({ type: 'directory', path: target, mode: 0o755 });
      }
      for (const name of (await readdir(hostPath)).sort()) {
        await this.#addHostPath(root, join(hostPath, name), imageDir, keep);
      }
    } else if (stats.isSymbolicLink()) {
      let link = await readlink(hostPath);
      if (isAbsolute(link)) {
        const inside = relative(root, link);
        if (inside.startsWith('..')) {
          throw new OuterImageError(`symlink ${hostPath} -> ${link} leads out of ${root}`);
        }
        link = relative(join(hostPath, '..'), link);
      }
      this.add({ type: 'symlink', path: target, target: link });
    } else if (stats.isFile()) {
      if (keep(rel)) {
        const mode = (stats.mode & 0o111) !== 0 ? 0o755 : 0o644;
        this.add({ type: 'file', path: target, data: await readFile(hostPath), mode });
      }
    } else {
      throw new OuterImageError(`${hostPath} is neither a file, a directory nor a symlink`);
    }
  }
}

/**
 * A content hash of `entries` (SHA-256, hex): equal entries in equal order give equal keys, and
 * any change of a path, type, mode, device number, link target or file byte gives another.
 * `salt` names the format of what is built from them, so a change of the builder itself can
 * invalidate old images.
 */
export function imageCacheKey(entries: readonly CpioEntry[], salt: string): string {
  const hash = createHash('sha256');
  hash.update(`${salt}\0`);
  for (const entry of entries) {
    hash.update(`${entry.type}\0${imagePath(entry.path)}\0`);
    switch (entry.type) {
      case 'directory':
        hash.update(`${entry.mode ?? ''}\0`);
        break;
      case 'symlink':
        hash.update(`${entry.target}\0`);
        break;
      case 'char-device':
        hash.update(`${entry.major}:${entry.minor}:${entry.mode ?? ''}\0`);
        break;
      case 'file': {
        const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
        hash.update(`${entry.mode ?? ''}:${data.length}\0`);
        hash.update(data);
        break;
      }
    }
  }
  return hash.digest('hex');
}
