import { Worker } from 'node:worker_threads';
import type { BootState } from '@vmm/core';
import type { ModuleExport } from './module-export.js';
import type {
  VcpuWorkerBoot,
  VcpuWorkerCommand,
  VcpuWorkerMessage,
  VcpuWorkerSpec,
} from './vcpu-worker-spec.js';

/**
 * The vCPU worker's script beside the module at `moduleUrl`, in that module's format:
 * `vcpu-worker.cjs` next to a CommonJS bundle (`.cjs`, as the `vmm` command is built), else
 * `vcpu-worker.js`.
 */
export function vcpuWorkerScript(moduleUrl: string): URL {
  const extension = new URL(moduleUrl).pathname.endsWith('.cjs') ? '.cjs' : '.js';
  return new URL(`./vcpu-worker${extension}`, moduleUrl);
}

/** What an attached {@link VcpuThread} reports to its machine. */
export interface VcpuThreadListener {
  /** A message the worker posted. */
  message(message: VcpuWorkerMessage): void;
  /** The worker threw outside its exit loop (a VMM bug), before or after the attach. */
  error(error: Error): void;
}

/**
 * The worker thread of one vCPU. It is spawned before the VM exists, with nothing but the
 * backend module to import, so that its start-up (a second Node.js environment, then the
 * backend's native bindings) runs on another host CPU while the main thread creates the VM.
 * {@link VcpuThread.attach} then hands it the VM, and it creates its vCPU and devices while the
 * main thread loads the guest; {@link VcpuThread.run} starts the vCPU. Errors that arrive
 * before the attach are kept and passed on by it.
 */
export class VcpuThread {
  readonly #worker: Worker;
  #listener: VcpuThreadListener | undefined;
  readonly #early: Error[] = [];
  /** Settles once the thread has ended, whatever the reason. */
  readonly ended: Promise<void>;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: VcpuWorkerMessage) => this.#listener?.message(message));
    worker.on('error', (error) => {
      if (this.#listener === undefined) this.#early.push(error);
      else this.#listener.error(error);
    });
    this.ended = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /** Spawns the thread; it imports `backend` and waits for {@link VcpuThread.attach}. */
  static spawn(backend: ModuleExport): VcpuThread {
    const boot: VcpuWorkerBoot = { backend };
    return new VcpuThread(new Worker(vcpuWorkerScript(import.meta.url), { workerData: boot }));
  }

  /**
   * Gives the thread its vCPU in the VM `spec` describes; it creates the vCPU and its devices,
   * then waits for {@link run}. `listener` hears from it from now on.
   */
  attach(spec: VcpuWorkerSpec, listener: VcpuThreadListener): void {
    this.#listener = listener;
    for (const error of this.#early.splice(0)) listener.error(error);
    this.#post({ type: 'attach', spec });
  }

  /** Starts the attached vCPU: from `boot` (the boot vCPU), or waiting for the guest. */
  run(boot: BootState | undefined): void {
    this.#post({ type: 'run', boot });
  }

  /** Ends an attached thread whose vCPU will not run: it closes what it made, then exits. */
  async cancel(): Promise<void> {
    this.#post({ type: 'cancel' });
    await this.ended;
  }

  /** Ends a thread that was never attached (the VM could not be built). */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }

  #post(command: VcpuWorkerCommand): void {
    this.#worker.postMessage(command);
  }
}
