/**
 * Constants of the cpio "newc" format (SVR4 portable ASCII without CRC, magic `070701`), the
 * format the Linux kernel unpacks an initramfs from (`Documentation/driver-api/early-userspace/
 * buffer-format.rst`).
 *
 * A record is a 110-byte ASCII header, the NUL-terminated name padded so that header plus name
 * end on a 4-byte boundary, then the data padded to a 4-byte boundary. The archive ends with a
 * record named {@link CPIO_NEWC_TRAILER}.
 */

/** The six magic characters that open every newc header. */
export const CPIO_NEWC_MAGIC = '070701';

/** Size of a newc header in bytes: the magic plus 13 eight-digit hexadecimal fields. */
export const CPIO_NEWC_HEADER_SIZE = 110;

/** Name of the record that ends an archive. */
export const CPIO_NEWC_TRAILER = 'TRAILER!!!';

/**
 * The 13 numeric header fields in the order they follow the magic. Each is eight hexadecimal
 * digits; `check` is always 0 in the no-CRC variant.
 */
export const CPIO_NEWC_FIELDS = [
  'ino',
  'mode',
  'uid',
  'gid',
  'nlink',
  'mtime',
  'filesize',
  'devMajor',
  'devMinor',
  'rdevMajor',
  'rdevMinor',
  'namesize',
  'check',
] as const;

/** Name of one numeric header field. */
export type CpioNewcField = (typeof CPIO_NEWC_FIELDS)[number];

/** Mask of the file type bits in a mode (`S_IFMT`). */
export const S_IFMT = 0o170000;
/** File type bits of a directory (`S_IFDIR`). */
export const S_IFDIR = 0o040000;
/** File type bits of a regular file (`S_IFREG`). */
export const S_IFREG = 0o100000;
/** File type bits of a symbolic link (`S_IFLNK`). */
export const S_IFLNK = 0o120000;
/** File type bits of a character device node (`S_IFCHR`). */
export const S_IFCHR = 0o020000;

/** Returns `length` rounded up to the next multiple of 4 (newc aligns names and data to 4). */
export function alignTo4(length: number): number {
  return (length + 3) & ~3;
}
