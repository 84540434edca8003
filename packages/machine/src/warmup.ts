/**
 * `@vmm/machine/warmup`: vCPU threads started ahead of `Machine.create`. This entry loads
 * nothing but `node:worker_threads`, so a program can start them before its other imports.
 */
export { VcpuThreadWarmup } from './vcpu-thread-warmup.js';
export type { ModuleExport } from './module-export.js';
export { provideModule, type ModuleLoader } from './provided-modules.js';
