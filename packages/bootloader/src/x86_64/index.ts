export { BzImageLoader, type BzImageLoaderOptions } from './bzimage-loader.js';
export { FlatBinaryLoader, type FlatBinaryLoaderOptions } from './flat-binary-loader.js';
export { loadBzImage, type BzImageLoadResult } from './loader/bzimage.js';
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
