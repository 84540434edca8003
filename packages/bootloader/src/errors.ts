import { VmmError } from '@vmm/core';

/**
 * Base class of every error a boot loader raises: the kernel, initrd, command line or image
 * handed to it cannot be booted in the guest as configured. The message names the input and
 * says what to change.
 */
export class BootLoaderError extends VmmError {}

/** The kernel file is not the kind of image the loader expects (wrong magic, bad header). */
export class InvalidKernelError extends BootLoaderError {}

/** The kernel file ends before the data its own header promises (a cut-short copy or download). */
export class TruncatedKernelError extends BootLoaderError {}

/** The kernel is an image of the right kind but speaks a boot protocol the loader cannot use. */
export class UnsupportedBootProtocolError extends BootLoaderError {}

/** The kernel, once loaded and decompressed, needs more guest RAM than the VM has. */
export class KernelTooLargeError extends BootLoaderError {}

/** The initrd does not fit in the guest RAM left between the kernel and the highest usable address. */
export class InitrdTooLargeError extends BootLoaderError {}

/** The kernel command line is longer than the kernel (or the layout) accepts. */
export class CommandLineTooLongError extends BootLoaderError {}

/** A flat binary image does not fit where it was asked to go (outside RAM, above its mode's limit). */
export class ImageOutOfRangeError extends BootLoaderError {}

/** A flat binary image would overwrite the boot structures (GDT, stack, page tables) it relies on. */
export class ImageOverlapError extends BootLoaderError {}

/** The entry point given for a flat binary image does not lie inside the loaded image. */
export class EntryOutsideImageError extends BootLoaderError {}
