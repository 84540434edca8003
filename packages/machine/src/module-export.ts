import { MachineConfigError } from './errors.js';

/**
 * A named export of an ES module, by URL or absolute path: how a worker thread finds code the
 * main thread chose (the backend, custom devices). Resolve bare package names on the side
 * that depends on them, e.g. `import.meta.resolve('@vmm/kvm')`.
 */
export interface ModuleExport {
  /** Module URL (`file:///...`) or absolute path. */
  readonly module: string;
  /** Name of the export. */
  readonly export: string;
}

/** Imports `reference` and returns the named export, or throws a clear error. */
export async function importExport<T>(reference: ModuleExport): Promise<T> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(reference.module)) as Record<string, unknown>;
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
