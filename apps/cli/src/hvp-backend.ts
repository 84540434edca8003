/** The Hypervisor.framework backend as a module of this bundle, for `--accel hvp` (see `backends.ts`). */
export { hvpBackend } from '@vmm/hvp';
