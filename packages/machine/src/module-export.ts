import { MachineConfigError } from './errors.js';
import { providedModule } from './provided-modules.js';

/**
 * A named export of an ES module, by URL or absolute path: how a worker thread finds code the
 * main thread chose (the backend, custom devices). Resolve bare package names on the side
 * that depends on them, e.g. `import.meta.resolve('@vmm/kvm')`, unless a bundle that holds the
 * package provides it under that name in every thread (`provideModule`).
 */
export interface ModuleExport {
  /** Module URL (`file:///...`), absolute path, or a name given to `provideModule`. */
  readonly module: string;
  /** Name of the export. */
  readonly export: string;
}

/** Imports `reference` and returns the named export, or throws a clear error. */
export async function importExport<T>(reference: ModuleExport): Promise<T> {
  let namespace: Record<string, unknown>;
  try {
    const load =
      providedModule(reference.module) ?? (() => import(reference.module) as Promise<object>);
    namespace = (await load()) as Record<string, unknown>;
  } catch (error) {
    throw new MachineConfigError(`cannot load module ${reference.module}: ${String(error)}`, {
      cause: error,
    });
  }
  const value = namespace[reference.export];
  if (value === undefined) {
    throw new MachineConfigError(`module ${reference.module} has no export "${reference.export}"`);
  }
  return value as T;
}
