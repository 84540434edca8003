import type { Arch } from '@vmm/core';
import { buildAarch64Platform } from './aarch64-platform.js';
import type { Platform, PlatformWiring } from './platform.js';
import { buildX86Platform } from './x86-platform.js';

/**
 * How a vCPU thread builds the platform devices of each architecture. Kept apart from
 * `ARCH_PROFILES` so that a vCPU worker imports the devices but not the boot loaders, which only
 * the main thread needs: every module a worker loads delays its vCPU's first instruction.
 */
export const PLATFORM_BUILDERS: Readonly<Record<Arch, (wiring: PlatformWiring) => Platform>> = {
  x86_64: buildX86Platform,
  aarch64: buildAarch64Platform,
};
