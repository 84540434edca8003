/** Linux errno values this package tests for (asm-generic numbering: x86_64 and aarch64). */
export const Errno = {
  /** Operation not permitted. */
  EPERM: 1,
  /** No such file or directory. */
  ENOENT: 2,
  /** No such process (or thread). */
  ESRCH: 3,
  /** Interrupted system call (a signal arrived). */
  EINTR: 4,
  /** No such device or address. */
  ENXIO: 6,
  /** Argument list too long (for KVM: a caller-sized array is too small). */
  E2BIG: 7,
  /** Bad file descriptor. */
  EBADF: 9,
  /** Try again. */
  EAGAIN: 11,
  /** Out of memory. */
  ENOMEM: 12,
  /** Permission denied. */
  EACCES: 13,
  /** Bad address. */
  EFAULT: 14,
  /** Device or resource busy. */
  EBUSY: 16,
  /** File exists. */
  EEXIST: 17,
  /** No such device. */
  ENODEV: 19,
  /** Invalid argument. */
  EINVAL: 22,
  /** Inappropriate ioctl for device. */
  ENOTTY: 25,
} as const;

const DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [Errno.EPERM, 'operation not permitted'],
  [Errno.ENOENT, 'no such file or directory'],
  [Errno.ESRCH, 'no such process'],
  [Errno.EINTR, 'interrupted system call'],
  [Errno.ENXIO, 'no such device or address'],
  [Errno.E2BIG, 'argument list too long'],
  [Errno.EBADF, 'bad file descriptor'],
  [Errno.EAGAIN, 'resource temporarily unavailable'],
  [Errno.ENOMEM, 'out of memory'],
  [Errno.EACCES, 'permission denied'],
  [Errno.EFAULT, 'bad address'],
  [Errno.EBUSY, 'device or resource busy'],
  [Errno.EEXIST, 'file exists'],
  [Errno.ENODEV, 'no such device'],
  [Errno.EINVAL, 'invalid argument'],
  [Errno.ENOTTY, 'inappropriate ioctl for device'],
]);

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Errno).map(([name, value]) => [value, name]),
);

/** The symbolic name of `errno` (`EEXIST`), or `errno N` for values not in {@link Errno}. */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `errno ${errno}`;
}

/** A short description of `errno` in words, or `unknown error` for values not in {@link Errno}. */
export function errnoDescription(errno: number): string {
  return DESCRIPTIONS.get(errno) ?? 'unknown error';
}
