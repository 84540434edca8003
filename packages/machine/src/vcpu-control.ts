/** Word: nonzero once a stop was asked for. */
const STOP = 0;
/** Word: nonzero while the hypervisor buffers port writes of the (single) vCPU. */
const WRITES_BUFFERED = 1;
/** Word: that vCPU's exits other than kicks, counted while its writes can be buffered. */
const EXITS = 2;

/**
 * Control words the main thread shares with every vCPU worker: "stop", which a worker checks
 * after each exit (the main thread also kicks the vCPU out of the guest so the check happens
 * promptly), and "writes buffered", which a worker sets while the hypervisor buffers port
 * writes, with its count of exits, so that the main thread can kick a vCPU that has gone quiet
 * to deliver writes no exit followed.
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

  /** Says whether the hypervisor now buffers port writes (set by the vCPU's thread). */
  set writesBuffered(buffered: boolean) {
    Atomics.store(this.#words, WRITES_BUFFERED, buffered ? 1 : 0);
  }

  /** Whether the hypervisor buffers port writes. */
  get writesBuffered(): boolean {
    return Atomics.load(this.#words, WRITES_BUFFERED) !== 0;
  }

  /** Counts one exit of the vCPU whose writes can be buffered (its own thread calls it). */
  countExit(): void {
    Atomics.add(this.#words, EXITS, 1);
  }

  /** How many exits {@link countExit} has counted (wrapping at 2^31). */
  get exitCount(): number {
    return Atomics.load(this.#words, EXITS);
  }
}
