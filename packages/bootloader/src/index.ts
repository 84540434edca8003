export type { BootLoader, LoadTarget } from './boot-loader.js';
export {
  BootLoaderError,
  InvalidKernelError,
  TruncatedKernelError,
  UnsupportedBootProtocolError,
  KernelTooLargeError,
  InitrdTooLargeError,
  CommandLineTooLongError,
  ImageOutOfRangeError,
  ImageOverlapError,
  EntryOutsideImageError,
} from './errors.js';
export { encodeCommandLine } from './command-line.js';
export * from './acpi/index.js';
export * from './x86_64/index.js';
export * from './aarch64/index.js';
