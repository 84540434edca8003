const STOP = 0;

/**
 * Control words the main thread shares with every vCPU worker: today only "stop", which a
 * worker checks after each exit. The main thread also kicks the vCPU out of the guest so the
 * check happens promptly.
 */
export class VcpuControl {
  readonly #words: Int32Array;

  /** Allocates the shared words. */
  static create(): VcpuControl {
    return new VcpuControl(new SharedArrayBuffer(16));
  }

  /** Wraps shared words posted from another thread. */
  constructor(
    /** The shared words, to post to other threads. */
    readonly buffer: SharedArrayBuffer,
  ) {
    this.#words = new Int32Array(buffer);
  }

  /** Asks every vCPU to stop. */
  requestStop(): void {
    Atomics.store(this.#words, STOP, 1);
  }

  /** Whether a stop was asked for. */
  get stopRequested(): boolean {
    return Atomics.load(this.#words, STOP) !== 0;
  }
}
