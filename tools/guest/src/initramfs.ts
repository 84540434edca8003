import type { CpioEntry } from './cpio-entry.js';
import { writeCpioNewcGzip } from './cpio-newc.js';
import { GuestToolsError } from './errors.js';
import { renderInitScript } from './init-script.js';

/**
 * The busybox applets the stock `/init` and an interactive debugging session need. Used when
 * the full list cannot be had from the busybox binary itself (`busybox --list`).
 */
export const DEFAULT_APPLETS: readonly string[] = [
  'cat',
  'cttyhack',
  'dmesg',
  'echo',
  'free',
  'grep',
  'head',
  'ls',
  'mkdir',
  'mount',
  'poweroff',
  'reboot',
  'setsid',
  'sh',
  'sleep',
  'uname',
];

/** A file to add to the initramfs besides busybox and `/init`. */
export interface InitramfsExtraFile {
  /** Absolute path inside the guest, e.g. `/lib/modules/kvm.ko`; missing parents are created. */
  path: string;
  /** The file's contents; a string is written as UTF-8. */
  data: Uint8Array | string;
  /** Permission bits; 0o644 when omitted. */
  mode?: number;
}

/** What goes into an initramfs built by {@link buildInitramfs}. */
export interface InitramfsOptions {
  /** The contents of a static busybox binary for the guest's architecture; becomes /bin/busybox. */
  busybox: Uint8Array;
  /** The text of `/init` (mode 0755); {@link renderInitScript}'s stock script when omitted. */
  init?: string;
  /** Applet names to link to busybox in /bin; {@link DEFAULT_APPLETS} when omitted. */
  applets?: readonly string[];
  /** More files to add, after everything else. */
  extraFiles?: readonly InitramfsExtraFile[];
  /** Modification time of every entry in seconds since the epoch; 0 by default (reproducible). */
  mtime?: number;
}

/** Directories every initramfs has, with their permission bits. */
const BASE_DIRECTORIES: readonly (readonly [string, number])[] = [
  ['bin', 0o755],
  ['dev', 0o755],
  ['etc', 0o755],
  ['proc', 0o555],
  ['root', 0o700],
  ['sys', 0o555],
  ['tmp', 0o1777],
];

/**
 * Lists the cpio entries of an initramfs, in an order the kernel can unpack (parents first):
 * the directories /bin /dev /etc /proc /root /sys /tmp, `/sbin` as a symlink to `bin`,
 * `/dev/console` (char 5:1, 0600) and `/dev/null` (char 1:3, 0666) so the kernel has a console
 * before devtmpfs is mounted, `/bin/busybox` (0755) with one symlink `/bin/<applet>` -> `busybox`
 * per applet, `/init` (0755), then `extraFiles` with any missing parent directories.
 *
 * @throws {@link GuestToolsError} when an applet name or extra file path is unusable.
 */
export function initramfsEntries(options: InitramfsOptions): CpioEntry[] {
  const entries: CpioEntry[] = BASE_DIRECTORIES.map(([path, mode]) => ({
    type: 'directory',
    path,
    mode,
  }));
  entries.push(
    { type: 'symlink', path: 'sbin', target: 'bin' },
    { type: 'char-device', path: 'dev/console', major: 5, minor: 1, mode: 0o600 },
    { type: 'char-device', path: 'dev/null', major: 1, minor: 3, mode: 0o666 },
    { type: 'file', path: 'bin/busybox', data: options.busybox, mode: 0o755 },
  );
  const applets = [...new Set(options.applets ?? DEFAULT_APPLETS)].sort();
  for (const applet of applets) {
    if (applet === '' || applet.includes('/') || applet === '.' || applet === '..') {
      throw new GuestToolsError(`busybox applet name '${applet}' cannot be a file name in /bin`);
    }
    if (applet !== 'busybox') {
      entries.push({ type: 'symlink', path: `bin/${applet}`, target: 'busybox' });
    }
  }
  entries.push({
    type: 'file',
    path: 'init',
    data: options.init ?? renderInitScript(),
    mode: 0o755,
  });
  const present = new Set(entries.map((entry) => entry.path));
  for (const file of options.extraFiles ?? []) {
    const parts = file.path.split('/').filter((part) => part !== '');
    if (parts.length === 0 || parts.includes('..') || parts.includes('.')) {
      throw new GuestToolsError(
        `extra initramfs file path '${file.path}' must be absolute and plain`,
      );
    }
    for (let depth = 1; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      if (!present.has(dir)) {
        entries.push({ type: 'directory', path: dir, mode: 0o755 });
        present.add(dir);
      }
    }
    const path = parts.join('/');
    if (present.has(path)) {
      throw new GuestToolsError(`extra initramfs file '${file.path}' is already in the initramfs`);
    }
    entries.push({ type: 'file', path, data: file.data, mode: file.mode ?? 0o644 });
    present.add(path);
  }
  return entries;
}

/**
 * Builds a gzip-compressed cpio "newc" initramfs for a busybox guest from
 * {@link initramfsEntries}. Equal options give byte-identical output.
 *
 * ```ts
 * const gz = buildInitramfs({
 *   busybox: await readFile(paths.busybox),
 *   init: renderInitScript({ extraSteps: ['insmod /lib/modules/kvm.ko'] }),
 *   extraFiles: [{ path: '/lib/modules/kvm.ko', data: await readFile(kvmKo) }],
 * });
 * ```
 */
export function buildInitramfs(options: InitramfsOptions): Buffer {
  return writeCpioNewcGzip(initramfsEntries(options), { mtime: options.mtime ?? 0 });
}
