import { existsSync } from 'node:fs';
import {
  copyFile,
  mkdir,
  readFile,
  readdir,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { elfNeededLibraries } from './elf-dynamic.js';
import { DebianPackageError } from './errors.js';
import { temporarySibling } from './file-cache.js';

/** Options for {@link collectSharedLibraries}. */
export interface CollectSharedLibrariesOptions {
  /** Unpacked Debian packages (`dpkg-deb -x` trees). */
  trees: readonly string[];
  /** The Debian multiarch directory name, e.g. `aarch64-linux-gnu`. */
  multiarch: string;
  /** The flat directory to fill. */
  destDir: string;
  /** Names what the trees are (e.g. the `.deb` file names); the directory is rebuilt when it changes. */
  stamp: string;
}

/** Name of the file, inside the library directory, that records what it was built from. */
const BUILT_FROM = '.vmm-built-from';

/** File names of shared objects: `libc.so.6`, `libmemusage.so`, `ld-linux-aarch64.so.1`. */
const SHARED_OBJECT = /\.so(\.\d+)*$/;

/**
 * Fills `destDir` with the shared objects found directly in `lib/<multiarch>` and
 * `usr/lib/<multiarch>` of each tree (subdirectories such as `gconv` are left out), so that one
 * directory holds a program's libraries and the dynamic loader. Symlinks to a plain file name
 * (`libstdc++.so.6 -> libstdc++.so.6.0.30`) stay symlinks; others are copied as files. Skips
 * the work when `destDir` was built from the same `stamp`. Returns whether it rebuilt.
 *
 * @throws {@link DebianPackageError} when two trees hold the same name or a link dangles.
 */
export async function collectSharedLibraries(
  options: CollectSharedLibrariesOptions,
): Promise<boolean> {
  const stampFile = join(options.destDir, BUILT_FROM);
  const current = await readFile(stampFile, 'utf8').catch(() => null);
  if (current !== null && current.trim() === options.stamp) {
    return false;
  }
  const temporary = temporarySibling(options.destDir);
  await mkdir(temporary, { recursive: true });
  try {
    const placed = new Map<string, string>();
    for (const tree of options.trees) {
      for (const parent of ['lib', join('usr', 'lib')]) {
        const dir = join(tree, parent, options.multiarch);
        const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
        for (const entry of entries) {
          if (!(entry.isFile() || entry.isSymbolicLink()) || !SHARED_OBJECT.test(entry.name)) {
            continue;
          }
          const source = join(dir, entry.name);
          const earlier = placed.get(entry.name);
          if (earlier !== undefined) {
            throw new DebianPackageError(`${source} and ${earlier} have the same name`);
          }
          placed.set(entry.name, source);
          const target = entry.isSymbolicLink() ? await readlink(source) : null;
          if (target !== null && !target.includes('/')) {
            await symlink(target, join(temporary, entry.name));
          } else {
            await copyFile(source, join(temporary, entry.name));
          }
        }
      }
    }
    for (const name of placed.keys()) {
      if (!existsSync(join(temporary, name))) {
        throw new DebianPackageError(
          `${placed.get(name)} is a link to a file none of the packages hold`,
        );
      }
    }
    await writeFile(join(temporary, BUILT_FROM), `${options.stamp}\n`);
    await rm(options.destDir, { recursive: true, force: true });
    await rename(temporary, options.destDir);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  return true;
}

/**
 * Follows the `DT_NEEDED` entries of `programs` (ELF contents) and of every library they pull
 * in, looking each name up in `libDir`. Returns the names found, in the order met, and the
 * names missing.
 */
export async function neededLibraryClosure(
  programs: readonly { source: string; bytes: Uint8Array }[],
  libDir: string,
): Promise<{ found: string[]; missing: string[] }> {
  const found: string[] = [];
  const missing: string[] = [];
  const queue = programs.flatMap(({ source, bytes }) => elfNeededLibraries(bytes, source));
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (found.includes(name) || missing.includes(name)) {
      continue;
    }
    const path = join(libDir, name);
    if (!existsSync(path)) {
      missing.push(name);
      continue;
    }
    found.push(name);
    queue.push(...elfNeededLibraries(await readFile(path), path));
  }
  return { found, missing };
}
