import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Returns a fresh path next to `path` for a temporary file or directory that is later renamed
 * onto `path`, so readers never see a half-written cache entry.
 */
export function temporarySibling(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

/**
 * Writes `data` to `path` (through a temporary file and a rename) unless the file already holds
 * exactly `data`, and sets its permission bits to `mode`. Returns whether it wrote.
 */
export async function writeFileIfChanged(
  path: string,
  data: Uint8Array,
  mode: number,
): Promise<boolean> {
  const current = await readFile(path).catch(() => null);
  if (current !== null && Buffer.compare(current, data) === 0) {
    return false;
  }
  const temporary = temporarySibling(path);
  try {
    await writeFile(temporary, data, { mode });
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  return true;
}
