export { DeviceTreeError, RamLayoutError } from './errors.js';
export {
  FdtWriter,
  FDT_MAGIC,
  FDT_VERSION,
  FDT_LAST_COMPATIBLE_VERSION,
  type FdtWriterOptions,
  type FdtMemoryReservation,
} from './fdt-writer.js';
export {
  parseImageHeader,
  isGzip,
  isEfiZboot,
  IMAGE_HEADER_SIZE,
  IMAGE_MAGIC,
  LEGACY_TEXT_OFFSET,
  type ImageHeader,
} from './image-header.js';
export { decompressImage } from './image-decompression.js';
export {
  buildDeviceTree,
  encodeBootargs,
  kvmCpuAffinity,
  ARM64_COMMAND_LINE_MAX_LENGTH,
  DEVICE_TREE_MAX_VCPUS,
  PL011_NODE_PATH,
  type DeviceTreeOptions,
  type DeviceTreeInitrd,
  type PsciMethod,
  type VirtioMmioDeviceNode,
} from './device-tree.js';
export { ImageLoader, AARCH64_MIN_RAM_SIZE, type ImageLoaderOptions } from './image-loader.js';
