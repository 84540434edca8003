/** Loads a module that the running bundle holds: its namespace object. */
export type ModuleLoader = () => Promise<object>;

/** The modules provided in this thread, by the name a `ModuleExport` gives. */
const provided = new Map<string, ModuleLoader>();

/**
 * Makes `importExport` load `name` with `load` in this thread instead of importing it. A
 * program bundled into one file per thread (as the `vmm` command is) calls this in each thread
 * for the packages it holds, so that a `ModuleExport` naming one of them resolves to the
 * bundle's own copy, sharing its single @vmm/core, rather than loading a second one. Providing
 * a name again replaces its loader.
 */
export function provideModule(name: string, load: ModuleLoader): void {
  provided.set(name, load);
}

/** The loader {@link provideModule} gave `name` in this thread, if any. */
export function providedModule(name: string): ModuleLoader | undefined {
  return provided.get(name);
}
