import { Worker } from 'node:worker_threads';
import type { ModuleExport } from './module-export.js';
import type {
  VcpuWorkerBoot,
  VcpuWorkerMessage,
  VcpuWorkerSpec,
  VcpuWorkerStart,
} from './vcpu-worker-spec.js';

/** What a started {@link VcpuThread} reports to its machine. */
export interface VcpuThreadListener {
  /** A message the worker posted. */
  message(message: VcpuWorkerMessage): void;
  /** The worker threw outside its exit loop (a VMM bug), before or after the start. */
  error(error: Error): void;
}

/**
 * The worker thread of one vCPU. It is spawned before the VM exists, with nothing but the
 * backend module to import, so that its start-up (a second Node.js environment, then the
 * backend's native bindings) runs on another host CPU while the main thread creates the VM and
 * loads the guest; {@link VcpuThread.start} then hands it the VM. Events that arrive before
 * the start are kept and passed on by it.
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

  /** Spawns the thread; it imports `backend` and waits for {@link VcpuThread.start}. */
  static spawn(backend: ModuleExport): VcpuThread {
    const boot: VcpuWorkerBoot = { backend };
    return new VcpuThread(
      new Worker(new URL('./vcpu-worker.js', import.meta.url), { workerData: boot }),
    );
  }

  /** Gives the thread its vCPU and starts it; `listener` hears from it from now on. */
  start(spec: VcpuWorkerSpec, listener: VcpuThreadListener): void {
    this.#listener = listener;
    for (const error of this.#early.splice(0)) listener.error(error);
    const start: VcpuWorkerStart = { type: 'start', spec };
    this.#worker.postMessage(start);
  }

  /** Ends a thread that will not be started (the VM could not be built). */
  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }
}
