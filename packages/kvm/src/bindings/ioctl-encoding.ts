/**
 * Linux ioctl request encoding (`include/uapi/asm-generic/ioctl.h`, used by x86_64 and
 * arm64): bits 0-7 command number, 8-15 type, 16-29 argument size, 30-31 direction.
 */

/** Direction bits: no data transferred. */
export const IOC_NONE = 0;
/** Direction bits: userspace writes, the kernel reads. */
export const IOC_WRITE = 1;
/** Direction bits: the kernel writes, userspace reads. */
export const IOC_READ = 2;

/** `_IOC(dir, type, nr, size)`: an ioctl request number, as an unsigned 32-bit value. */
export function _IOC(direction: number, type: number, nr: number, size: number): number {
  if (size < 0 || size >= 1 << 14) throw new RangeError(`ioctl argument size ${size} does not fit`);
  return ((direction << 30) | (size << 16) | (type << 8) | nr) >>> 0;
}

/** `_IO(type, nr)`: an ioctl without an argument struct. */
export function _IO(type: number, nr: number): number {
  return _IOC(IOC_NONE, type, nr, 0);
}

/** `_IOR(type, nr, size)`: the kernel fills a `size`-byte struct. */
export function _IOR(type: number, nr: number, size: number): number {
  return _IOC(IOC_READ, type, nr, size);
}

/** `_IOW(type, nr, size)`: the kernel reads a `size`-byte struct. */
export function _IOW(type: number, nr: number, size: number): number {
  return _IOC(IOC_WRITE, type, nr, size);
}

/** `_IOWR(type, nr, size)`: the kernel reads and fills a `size`-byte struct. */
export function _IOWR(type: number, nr: number, size: number): number {
  return _IOC(IOC_READ | IOC_WRITE, type, nr, size);
}
