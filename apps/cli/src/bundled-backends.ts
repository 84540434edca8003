import { provideModule } from '@vmm/machine/warmup';

/** The name a `ModuleExport` gives the KVM backend's module. */
export const KVM_BACKEND_MODULE = '@vmm/kvm';

/** The name a `ModuleExport` gives the Hypervisor.framework backend's module. */
export const HVP_BACKEND_MODULE = '@vmm/hvp';

// Each thread of the `vmm` command is one bundle, which holds both backends: a backend named by
// its package resolves to the bundle's own copy, with the bundle's single @vmm/core (whose error
// classes are checked with `instanceof`). Importing this module provides them in its thread.
provideModule(KVM_BACKEND_MODULE, () => import('@vmm/kvm'));
provideModule(HVP_BACKEND_MODULE, () => import('@vmm/hvp'));
