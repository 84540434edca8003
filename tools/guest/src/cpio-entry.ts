/** Fields every kind of cpio entry shares. */
interface CpioEntryBase {
  /**
   * Path inside the archive, e.g. `bin/busybox`. A leading `/` is dropped when written, because
   * the kernel unpacks names relative to the root of the initramfs.
   */
  path: string;
  /** Modification time in seconds since the epoch; the archive's default when omitted. */
  mtime?: number;
}

/** A directory. Its parent directories must come earlier in the archive. */
export interface CpioDirectoryEntry extends CpioEntryBase {
  /** Discriminates the entry kind. */
  type: 'directory';
  /** Permission bits (e.g. `0o755`); 0o755 when omitted. */
  mode?: number;
}

/** A regular file with its contents. */
export interface CpioFileEntry extends CpioEntryBase {
  /** Discriminates the entry kind. */
  type: 'file';
  /** The file's contents; a string is written as UTF-8. */
  data: Uint8Array | string;
  /** Permission bits (e.g. `0o755` for a program); 0o644 when omitted. */
  mode?: number;
}

/** A symbolic link; its permission bits are always 0o777. */
export interface CpioSymlinkEntry extends CpioEntryBase {
  /** Discriminates the entry kind. */
  type: 'symlink';
  /** What the link points at, e.g. `busybox` or `/bin/busybox`. */
  target: string;
}

/** A character device node, e.g. `/dev/console` (5, 1). */
export interface CpioCharDeviceEntry extends CpioEntryBase {
  /** Discriminates the entry kind. */
  type: 'char-device';
  /** Device major number. */
  major: number;
  /** Device minor number. */
  minor: number;
  /** Permission bits; 0o600 when omitted. */
  mode?: number;
}

/** One entry to write into a cpio archive. Owner and group are always root (0). */
export type CpioEntry = CpioDirectoryEntry | CpioFileEntry | CpioSymlinkEntry | CpioCharDeviceEntry;
