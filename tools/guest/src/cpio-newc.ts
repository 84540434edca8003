import { gzipSync } from 'node:zlib';
import type { CpioEntry } from './cpio-entry.js';
import {
  CPIO_NEWC_FIELDS,
  CPIO_NEWC_HEADER_SIZE,
  CPIO_NEWC_MAGIC,
  CPIO_NEWC_TRAILER,
  S_IFCHR,
  S_IFDIR,
  S_IFLNK,
  S_IFREG,
  alignTo4,
  type CpioNewcField,
} from './cpio-newc-format.js';
import { CpioFormatError } from './errors.js';

/** Options for {@link writeCpioNewc}. */
export interface CpioWriteOptions {
  /** Modification time (seconds since the epoch) for entries without their own; 0 by default. */
  mtime?: number;
}

/** Largest value an eight-digit hexadecimal header field holds. */
const MAX_FIELD = 0xffff_ffff;

/** Permission bits used when an entry does not give its own. */
const DEFAULT_PERMISSIONS = { directory: 0o755, file: 0o644, symlink: 0o777, charDevice: 0o600 };

/**
 * Writes `entries`, in order, as an uncompressed cpio "newc" archive (magic `070701`, no CRC)
 * ending with the `TRAILER!!!` record, and returns its bytes.
 *
 * Inode numbers count up from 1; uid and gid are 0; directories have nlink 2, everything else 1.
 * The output depends only on the arguments, so equal inputs give byte-identical archives.
 *
 * @throws {@link CpioFormatError} when a path is empty or a number does not fit its 32-bit field.
 */
export function writeCpioNewc(
  entries: readonly CpioEntry[],
  options: CpioWriteOptions = {},
): Buffer {
  const defaultMtime = options.mtime ?? 0;
  const chunks: Buffer[] = [];
  entries.forEach((entry, index) => {
    const name = archiveName(entry.path);
    const data = entryData(entry);
    const fields: Record<CpioNewcField, number> = {
      ino: index + 1,
      mode: entryMode(entry),
      uid: 0,
      gid: 0,
      nlink: entry.type === 'directory' ? 2 : 1,
      mtime: entry.mtime ?? defaultMtime,
      filesize: data.length,
      devMajor: 0,
      devMinor: 0,
      rdevMajor: entry.type === 'char-device' ? entry.major : 0,
      rdevMinor: entry.type === 'char-device' ? entry.minor : 0,
      namesize: 0,
      check: 0,
    };
    chunks.push(...record(name, fields, data));
  });
  const trailer: Record<CpioNewcField, number> = {
    ino: 0,
    mode: 0,
    uid: 0,
    gid: 0,
    nlink: 1,
    mtime: 0,
    filesize: 0,
    devMajor: 0,
    devMinor: 0,
    rdevMajor: 0,
    rdevMinor: 0,
    namesize: 0,
    check: 0,
  };
  chunks.push(...record(CPIO_NEWC_TRAILER, trailer, Buffer.alloc(0)));
  return Buffer.concat(chunks);
}

/**
 * Writes `entries` with {@link writeCpioNewc} and compresses the archive with gzip (level 9), the
 * form the kernel takes as an initrd.
 */
export function writeCpioNewcGzip(
  entries: readonly CpioEntry[],
  options: CpioWriteOptions = {},
): Buffer {
  return gzipSync(writeCpioNewc(entries, options), { level: 9 });
}

function archiveName(path: string): string {
  const name = path.replace(/^\/+/, '');
  if (name === '') {
    throw new CpioFormatError(`cpio entry path '${path}' is empty once leading '/' are dropped`);
  }
  if (name.includes('\0')) {
    throw new CpioFormatError(`cpio entry path '${path}' contains a NUL character`);
  }
  return name;
}

function entryData(entry: CpioEntry): Buffer {
  switch (entry.type) {
    case 'file':
      return typeof entry.data === 'string'
        ? Buffer.from(entry.data, 'utf8')
        : Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
    case 'symlink':
      return Buffer.from(entry.target, 'utf8');
    case 'directory':
    case 'char-device':
      return Buffer.alloc(0);
  }
}

function entryMode(entry: CpioEntry): number {
  switch (entry.type) {
    case 'directory':
      return S_IFDIR | permissions(entry.path, entry.mode ?? DEFAULT_PERMISSIONS.directory);
    case 'file':
      return S_IFREG | permissions(entry.path, entry.mode ?? DEFAULT_PERMISSIONS.file);
    case 'symlink':
      return S_IFLNK | DEFAULT_PERMISSIONS.symlink;
    case 'char-device':
      return S_IFCHR | permissions(entry.path, entry.mode ?? DEFAULT_PERMISSIONS.charDevice);
  }
}

function permissions(path: string, mode: number): number {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new CpioFormatError(
      `cpio entry '${path}' has mode ${mode}; give permission bits only (0 to 0o7777)`,
    );
  }
  return mode;
}

function record(name: string, fields: Record<CpioNewcField, number>, data: Buffer): Buffer[] {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  const withName = { ...fields, namesize: nameBytes.length };
  const header =
    CPIO_NEWC_MAGIC +
    CPIO_NEWC_FIELDS.map((field) => hexField(name, field, withName[field])).join('');
  const headerAndName = CPIO_NEWC_HEADER_SIZE + nameBytes.length;
  return [
    Buffer.from(header, 'ascii'),
    nameBytes,
    Buffer.alloc(alignTo4(headerAndName) - headerAndName),
    data,
    Buffer.alloc(alignTo4(data.length) - data.length),
  ];
}

function hexField(name: string, field: CpioNewcField, value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > MAX_FIELD) {
    throw new CpioFormatError(
      `cpio entry '${name}': ${field} ${value} does not fit the 32-bit newc header field`,
    );
  }
  return value.toString(16).toUpperCase().padStart(8, '0');
}
