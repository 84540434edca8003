export { BzImageLoader, type BzImageLoaderOptions } from './bzimage-loader.js';
export { FlatBinaryLoader, type FlatBinaryLoaderOptions } from './flat-binary-loader.js';
export { loadBzImage, type BzImageLoadResult } from './loader/bzimage.js';
export {
  loadDecompressedKernel,
  lz4KernelPayload,
  type DecompressedKernelLoadResult,
  type DecompressedKernelOptions,
} from './loader/decompressed-kernel.js';
export {
  applyKernelRelocations,
  randomVirtualDelta,
  START_KERNEL_MAP,
  KERNEL_IMAGE_SIZE,
  KERNEL_ALIGN,
  type KernelRelocationTarget,
} from './loader/kernel-relocations.js';
export { parseElf64, EM_X86_64, type Elf64Image, type ElfLoadSegment } from './loader/elf64.js';
export {
  decodeLz4Block,
  decodeLz4Legacy,
  isLz4Legacy,
  LZ4_LEGACY_MAGIC,
  LZ4_LEGACY_BLOCK_SIZE,
  type Lz4BlockSink,
  type Lz4BlockDestination,
  type Lz4BlockDecoder,
} from './loader/lz4-legacy.js';
export { nativeLz4BlockDecoder } from './loader/native-lz4.js';
export { loadInitrd, type InitrdLoadResult, type InitrdWindow } from './loader/initrd.js';
export {
  parseSetupHeader,
  formatProtocolVersion,
  type SetupHeader,
} from './loader/setup-header.js';
export { e820Map, E820Type, type E820Entry } from './configurator/e820.js';
export { writeZeroPage, type ZeroPageParams } from './configurator/zero-page.js';
export { writeIdentityPageTables } from './configurator/identity-page-tables.js';
export { writeBootGdt, type GdtLocation } from './configurator/boot-gdt.js';
export {
  writeLongModeBootStructures,
  type LongModeBootStructures,
} from './configurator/long-mode.js';
export { writeAcpiTables, type AcpiTables, type AcpiTablesOptions } from './acpi/acpi-tables.js';
export { ACPI_RSDP_START, ACPI_TABLE_ALIGNMENT, ACPI_MAX_VCPUS } from './acpi/acpi-layout.js';
export { buildX86Dsdt, DSDT_REVISION } from './acpi/dsdt.js';
export { buildX86Fadt } from './acpi/fadt.js';
export { buildX86Madt } from './acpi/madt.js';
