import type { ModuleExport } from './module-export.js';
import { VcpuThread } from './vcpu-thread.js';

/** Whether two module exports name the same export of the same module. */
function sameExport(a: ModuleExport, b: ModuleExport): boolean {
  return a.module === b.module && a.export === b.export;
}

/**
 * vCPU worker threads spawned before `Machine.create`, so that their start-up (a Node.js
 * environment, then the backend's native bindings) overlaps whatever the caller does first; the
 * `vmm` command starts one before it loads its own modules. Hand it to a machine as
 * `MachineConfig.warmup`: the machine takes the threads if they import its backend and ends them
 * otherwise. Import it from `@vmm/machine/warmup`, which loads nothing else.
 */
export class VcpuThreadWarmup {
  readonly #backend: ModuleExport;
  #threads: VcpuThread[];
  /** Settles once the threads given up on so far have ended. */
  #ending: Promise<unknown> = Promise.resolve();

  private constructor(backend: ModuleExport, threads: VcpuThread[]) {
    this.#backend = backend;
    this.#threads = threads;
  }

  /** Spawns `count` (default 1) vCPU threads that import `backend`. */
  static start(backend: ModuleExport, count = 1): VcpuThreadWarmup {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`a warm-up spawns a whole number of threads >= 1; got ${count}`);
    }
    return new VcpuThreadWarmup(
      backend,
      Array.from({ length: count }, () => VcpuThread.spawn(backend)),
    );
  }

  /**
   * Hands over up to `count` threads if they import `backend`, and ends the others (all of
   * them for another backend). A warm-up gives its threads away once; later calls get none.
   */
  take(backend: ModuleExport, count: number): VcpuThread[] {
    const threads = this.#threads;
    this.#threads = [];
    const usable = sameExport(backend, this.#backend) ? threads.slice(0, count) : [];
    const ending = threads.slice(usable.length).map((thread) => thread.terminate());
    this.#ending = Promise.all([this.#ending, ...ending]);
    return usable;
  }

  /** Ends the threads no machine took, and waits until they have. */
  async discard(): Promise<void> {
    this.take(this.#backend, 0);
    await this.#ending;
  }
}
