import { hex } from '@vmm/core';
import {
  InvalidKernelError,
  TruncatedKernelError,
  UnsupportedBootProtocolError,
} from '../../errors.js';
import {
  BOOT_FLAG,
  BOOT_FLAG_MAGIC,
  CMDLINE_SIZE,
  HEADER,
  HEADER_MAGIC,
  INIT_SIZE,
  INITRD_ADDR_MAX,
  JUMP_OFFSET,
  KERNEL_ALIGNMENT,
  KERNEL_VERSION,
  LOADED_HIGH,
  LOADFLAGS,
  PAYLOAD_LENGTH,
  PAYLOAD_OFFSET,
  MIN_PROTOCOL_VERSION,
  PREF_ADDRESS,
  RELOCATABLE_KERNEL,
  SECTOR_SIZE,
  SETUP_HEADER_2_12_END,
  SETUP_HEADER_MAX_END,
  SETUP_HEADER_START,
  SETUP_SECTS,
  SYSSIZE,
  VERSION,
  XLF_KERNEL_64,
  XLOADFLAGS,
} from '../boot-params.js';

/** The fields of a bzImage's setup header that loading and configuring need. */
export interface SetupHeader {
  /** Boot protocol version, major in the high byte (0x020f is 2.15). */
  readonly version: number;
  /** The kernel's version string (`kernel_version`), when the header points at one. */
  readonly kernelVersion: string | undefined;
  /** Sectors of real-mode setup code after the boot sector (`setup_sects`, 0 read as 4). */
  readonly setupSects: number;
  /** File offset of the protected-mode kernel: `(setupSects + 1) * 512`. */
  readonly setupSize: number;
  /** Size of the protected-mode code in 16-byte paragraphs (`syssize`). */
  readonly syssize: number;
  /** `loadflags` as found in the file. */
  readonly loadflags: number;
  /** `xloadflags` as found in the file. */
  readonly xloadflags: number;
  /** Whether the kernel may run at any address aligned to {@link SetupHeader.kernelAlignment}. */
  readonly relocatable: boolean;
  /** Physical alignment the kernel's runtime address needs (`kernel_alignment`). */
  readonly kernelAlignment: number;
  /** Address the kernel prefers to run at (`pref_address`). */
  readonly prefAddress: bigint;
  /** Bytes the kernel needs from its runtime start before it reads the memory map (`init_size`). */
  readonly initSize: number;
  /** Highest address the initrd's last byte may occupy (`initrd_addr_max`). */
  readonly initrdAddrMax: bigint;
  /** Longest command line the kernel takes, without the terminating NUL (`cmdline_size`). */
  readonly cmdlineSize: number;
  /** Offset of the compressed kernel from {@link SetupHeader.setupSize} (`payload_offset`). */
  readonly payloadOffset: number;
  /** Size of the compressed kernel, its trailing decompressed size included (`payload_length`). */
  readonly payloadLength: number;
  /**
   * Offset just past the setup header: 0x202 plus the byte at 0x201, clamped to the room
   * `struct boot_params` has for the header (0x290).
   */
  readonly headerEnd: number;
  /** A copy of the header bytes `[0x1F1, headerEnd)`, which the zero page starts from. */
  readonly bytes: Uint8Array;
}

/** Formats a boot protocol version (0x020f) the way boot.rst writes it ("2.15"). */
export function formatProtocolVersion(version: number): string {
  return `${version >> 8}.${String(version & 0xff).padStart(2, '0')}`;
}

/**
 * Reads and checks the setup header of a bzImage for the 64-bit boot protocol: boot flag,
 * "HdrS" magic, protocol 2.12 or newer, a 64-bit entry point (`XLF_KERNEL_64`), a kernel
 * loaded high, and a file long enough for the setup code and the protected-mode kernel.
 * Throws {@link InvalidKernelError}, {@link TruncatedKernelError} or
 * {@link UnsupportedBootProtocolError} with a message that says what to pass instead.
 */
export function parseSetupHeader(kernel: Uint8Array): SetupHeader {
  if (kernel.length < SETUP_HEADER_2_12_END) {
    throw new TruncatedKernelError(
      `the kernel image is ${kernel.length} bytes, too short to hold a bzImage setup header ` +
        `(at least ${SETUP_HEADER_2_12_END} bytes); pass the complete bzImage/vmlinuz file`,
    );
  }
  const view = new DataView(kernel.buffer, kernel.byteOffset, kernel.byteLength);
  const bootFlag = view.getUint16(BOOT_FLAG, true);
  if (bootFlag !== BOOT_FLAG_MAGIC) {
    throw new InvalidKernelError(
      `the kernel image is not a bzImage: expected boot flag ${hex(BOOT_FLAG_MAGIC)} at ` +
        `${hex(BOOT_FLAG)}, got ${hex(bootFlag)}; pass the kernel's bzImage/vmlinuz, not vmlinux ` +
        'or a compressed/packaged file',
    );
  }
  const magic = view.getUint32(HEADER, true);
  if (magic !== HEADER_MAGIC) {
    throw new InvalidKernelError(
      `the kernel image is not a bzImage: expected the setup header magic "HdrS" at ` +
        `${hex(HEADER)}, got ${hex(magic)}; pass the kernel's bzImage/vmlinuz`,
    );
  }
  const version = view.getUint16(VERSION, true);
  if (version < MIN_PROTOCOL_VERSION) {
    throw new UnsupportedBootProtocolError(
      `the kernel image speaks boot protocol ${formatProtocolVersion(version)}, but the 64-bit ` +
        `entry point needs ${formatProtocolVersion(MIN_PROTOCOL_VERSION)} or newer; ` +
        'use a Linux 3.8 or newer x86_64 kernel',
    );
  }
  const xloadflags = view.getUint16(XLOADFLAGS, true);
  if ((xloadflags & XLF_KERNEL_64) === 0) {
    throw new UnsupportedBootProtocolError(
      `the kernel image has no 64-bit entry point (XLF_KERNEL_64 clear in xloadflags ` +
        `${hex(xloadflags)}); pass an x86_64 kernel, not a 32-bit one`,
    );
  }
  const loadflags = view.getUint8(LOADFLAGS);
  if ((loadflags & LOADED_HIGH) === 0) {
    throw new UnsupportedBootProtocolError(
      `the kernel image is a zImage loaded low (LOADED_HIGH clear in loadflags ` +
        `${hex(loadflags)}); pass a bzImage`,
    );
  }
  const setupSects = view.getUint8(SETUP_SECTS) || 4;
  const setupSize = (setupSects + 1) * SECTOR_SIZE;
  const syssize = view.getUint32(SYSSIZE, true);
  const protectedModeSize = kernel.length - setupSize;
  if (protectedModeSize <= 0 || Math.ceil(protectedModeSize / 16) < syssize) {
    const expected = setupSize + syssize * 16;
    throw new TruncatedKernelError(
      `the kernel image is ${kernel.length} bytes, but its setup header promises ${setupSize} ` +
        `bytes of setup code and ${syssize * 16} bytes of protected-mode kernel (${expected} ` +
        'in all); the file is cut short: copy or download it again',
    );
  }
  const headerEnd = Math.min(HEADER + kernel[JUMP_OFFSET]!, SETUP_HEADER_MAX_END);
  return {
    version,
    kernelVersion: readKernelVersion(kernel, view.getUint16(KERNEL_VERSION, true), setupSize),
    setupSects,
    setupSize,
    syssize,
    loadflags,
    xloadflags,
    relocatable: view.getUint8(RELOCATABLE_KERNEL) !== 0,
    kernelAlignment: view.getUint32(KERNEL_ALIGNMENT, true),
    prefAddress: view.getBigUint64(PREF_ADDRESS, true),
    initSize: view.getUint32(INIT_SIZE, true),
    initrdAddrMax: BigInt(view.getUint32(INITRD_ADDR_MAX, true)),
    cmdlineSize: view.getUint32(CMDLINE_SIZE, true),
    payloadOffset: view.getUint32(PAYLOAD_OFFSET, true),
    payloadLength: view.getUint32(PAYLOAD_LENGTH, true),
    headerEnd,
    bytes: kernel.slice(SETUP_HEADER_START, headerEnd),
  };
}

/** The NUL-terminated string `kernel_version` points at (offset + 0x200), if it lies in the setup code. */
function readKernelVersion(
  kernel: Uint8Array,
  pointer: number,
  setupSize: number,
): string | undefined {
  if (pointer === 0) return undefined;
  const start = pointer + 0x200;
  if (start >= setupSize) return undefined;
  const end = kernel.indexOf(0, start);
  const stop = end === -1 || end > setupSize ? setupSize : end;
  return new TextDecoder().decode(kernel.subarray(start, stop));
}
