/** The KVM backend as a module of this bundle, for `--accel kvm` (see `backends.ts`). */
export { kvmBackend } from '@vmm/kvm';
