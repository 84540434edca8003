import { type Aarch64BootState, aarch64Layout, hex } from '@vmm/core';
import type { BootLoader, LoadTarget } from '../boot-loader.js';
import { InitrdTooLargeError, KernelTooLargeError } from '../errors.js';
import { formatSize } from '../format-size.js';
import {
  buildDeviceTree,
  encodeBootargs,
  type DeviceTreeInitrd,
  type PsciMethod,
  type VirtioMmioDeviceNode,
} from './device-tree.js';
import { RamLayoutError } from './errors.js';
import { decompressImage } from './image-decompression.js';
import { parseImageHeader, type ImageHeader } from './image-header.js';

const { DTB_MAX, DTB_START, INITRD_START, KERNEL_MAX, RAM_BASE } = aarch64Layout;

/** Smallest RAM the layout works with: the kernel area plus the device tree's 2 MiB. */
export const AARCH64_MIN_RAM_SIZE = Number(KERNEL_MAX + DTB_MAX);

/** What {@link ImageLoader} boots. */
export interface ImageLoaderOptions {
  /**
   * The kernel: an arm64 `Image` (with or without EFI stub), or one compressed with gzip
   * (`Image.gz`) or packed as a gzip EFI zboot image, which the loader decompresses.
   */
  readonly kernel: Uint8Array;
  /** An initrd/initramfs to hand to the kernel, if any. */
  readonly initrd?: Uint8Array | undefined;
  /** The kernel command line. */
  readonly cmdline: string;
  /** The PSCI conduit written to the device tree; `hvc` (KVM) by default. */
  readonly psciMethod?: PsciMethod | undefined;
  /** virtio-mmio devices to describe in the device tree. */
  readonly mmioDevices?: readonly VirtioMmioDeviceNode[] | undefined;
}

/**
 * Boots an arm64 Linux `Image` as `Documentation/arch/arm64/booting.rst` asks: the image at
 * `RAM_BASE + text_offset` (a 2 MiB aligned base), the initrd at `INITRD_START`, and a generated
 * device tree (see `buildDeviceTree`) at `DTB_START`. The boot vCPU starts at the image's first
 * byte with x0 = the device tree, MMU off.
 *
 * The kernel (decompressed if needed) and the command line are checked when the loader is
 * constructed; what depends on the VM's RAM is checked by {@link ImageLoader.load}.
 */
export class ImageLoader implements BootLoader {
  /** The kernel's checked Image header. */
  readonly header: ImageHeader;
  /** The uncompressed Image that is loaded. */
  readonly image: Uint8Array;
  readonly #options: ImageLoaderOptions;

  /**
   * Decompresses the kernel if needed, checks its header and that it fits below `DTB_START`, and
   * checks the command line's length; throws a `BootLoaderError` subclass naming the problem.
   */
  constructor(options: ImageLoaderOptions) {
    this.image = decompressImage(options.kernel);
    this.header = parseImageHeader(this.image);
    const footprint = Math.max(this.header.imageSize, this.image.length);
    if (this.header.textOffset + BigInt(footprint) > KERNEL_MAX) {
      throw new KernelTooLargeError(
        `the kernel needs ${formatSize(footprint)} at text_offset ${hex(this.header.textOffset)}, ` +
          `but the aarch64 layout has ${formatSize(KERNEL_MAX)} for it (KERNEL_MAX, from ` +
          `RAM_BASE to the device tree at ${hex(DTB_START)}): build a smaller kernel ` +
          '(fewer built-in drivers, more modules)',
      );
    }
    encodeBootargs(options.cmdline);
    this.#options = options;
  }

  /**
   * Copies the kernel and initrd into `target.memory`, writes the device tree and returns the
   * aarch64 boot state. Everything is checked before anything is written. Throws
   * {@link RamLayoutError} when the memory has no region of `target.ramSize` bytes at `RAM_BASE`
   * or is smaller than {@link AARCH64_MIN_RAM_SIZE}, {@link InitrdTooLargeError} when the initrd
   * runs past the end of RAM, and `DeviceTreeError` when the device tree cannot describe the VM
   * (vCPU count, virtio-mmio devices).
   */
  load(target: LoadTarget): Aarch64BootState {
    const { memory, ramSize, vcpus } = target;
    if (!Number.isSafeInteger(ramSize) || ramSize < AARCH64_MIN_RAM_SIZE) {
      throw new RamLayoutError(
        `the VM has ${formatSize(ramSize)} of RAM, but the aarch64 layout needs at least ` +
          `${formatSize(AARCH64_MIN_RAM_SIZE)} (the kernel area and the device tree at ${hex(DTB_START)}): ` +
          'give the VM more memory',
      );
    }
    if (!memory.contains(RAM_BASE, ramSize)) {
      throw new RamLayoutError(
        `the guest memory has no region of ${formatSize(ramSize)} at ${hex(RAM_BASE)}: map ` +
          'aarch64 guest RAM as one region starting at aarch64Layout.RAM_BASE',
      );
    }
    const initrdBytes = this.#options.initrd;
    let initrd: DeviceTreeInitrd | undefined;
    if (initrdBytes !== undefined) {
      const room = Number(RAM_BASE + BigInt(ramSize) - INITRD_START);
      if (initrdBytes.length > room) {
        throw new InitrdTooLargeError(
          `the initrd is ${formatSize(initrdBytes.length)} but only ${formatSize(room)} of ` +
            `guest RAM is free for it, from ${hex(INITRD_START)} (INITRD_START) to the end of ` +
            'RAM: give the VM more memory or use a smaller initrd',
        );
      }
      initrd = { address: INITRD_START, size: initrdBytes.length };
    }
    const dtb = buildDeviceTree({
      ramSize,
      vcpus,
      cmdline: this.#options.cmdline,
      initrd,
      psciMethod: this.#options.psciMethod,
      mmioDevices: this.#options.mmioDevices,
    });
    memory.write(RAM_BASE + this.header.textOffset, this.image);
    if (initrdBytes !== undefined) memory.write(INITRD_START, initrdBytes);
    memory.write(DTB_START, dtb);
    return {
      mode: 'aarch64',
      entry: RAM_BASE + this.header.textOffset,
      deviceTree: DTB_START,
    };
  }
}
