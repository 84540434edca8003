import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import { VmmError } from '@vmm/core';

/** Where {@link SharedVmState.publish} leaves the state for worker threads started later. */
const ENVIRONMENT_KEY = '@vmm/hvp:shared-vm-state';

/** Power state of one vCPU, as PSCI sees it. */
export const PowerState = {
  /** Off: waits in `run()` for a PSCI CPU_ON. */
  OFF: 0,
  /** On: runs the guest. */
  ON: 1,
  /** A CPU_ON has claimed the vCPU and is writing its entry point. */
  CLAIMED: 2,
  /** A CPU_ON has delivered an entry point the vCPU has not taken yet. */
  ON_PENDING: 3,
} as const;

/** Header words. */
const TOKEN = 0;
const VCPUS = 1;
const GIC = 2;
const HEADER_WORDS = 4;
/** Per-vCPU words, after the header. */
const POWER = 0;
const WAKE = 1;
const KICK = 2;
const CREATED = 3;
const VCPU_WORDS = 4;
/** Per-vCPU 64-bit mailbox slots (CPU_ON entry point and context id). */
const ENTRY = 0;
const CONTEXT = 1;
const MAILBOX_SLOTS = 2;

/**
 * State of one hvp VM that every thread of the process shares, in a SharedArrayBuffer: per vCPU
 * its PSCI power state, a CPU_ON mailbox, a wake word (bumped by interrupts, kicks and CPU_ON;
 * idle and powered-off vCPUs `Atomics.wait` on it) and a kick flag; plus whether the GIC
 * exists. The owner creates it and {@link publish}es it as worker_threads environment data,
 * which Node hands (still shared) to every worker started afterwards, where {@link find}
 * picks it up. A `VirtHandle` cannot carry a SharedArrayBuffer, hence this route.
 */
export class SharedVmState {
  readonly #words: Int32Array;
  readonly #mailbox: BigInt64Array;

  private constructor(
    /** The shared memory. */
    readonly buffer: SharedArrayBuffer,
  ) {
    this.#words = new Int32Array(buffer, 0, HEADER_WORDS);
    const vcpus = Atomics.load(this.#words, VCPUS);
    const wordsBytes = (HEADER_WORDS + vcpus * VCPU_WORDS) * 4;
    this.#words = new Int32Array(buffer, 0, wordsBytes / 4);
    const mailboxOffset = Math.ceil(wordsBytes / 8) * 8;
    this.#mailbox = new BigInt64Array(buffer, mailboxOffset, vcpus * MAILBOX_SLOTS);
  }

  /** Fresh state for a VM of `vcpus` vCPUs, all off, marked with a random token. */
  static create(vcpus: number): SharedVmState {
    const wordsBytes = (HEADER_WORDS + vcpus * VCPU_WORDS) * 4;
    const size = Math.ceil(wordsBytes / 8) * 8 + vcpus * MAILBOX_SLOTS * 8;
    const buffer = new SharedArrayBuffer(size);
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    header[TOKEN] = (Math.random() * 0x7fff_ffff) | 1;
    header[VCPUS] = vcpus;
    return new SharedVmState(buffer);
  }

  /**
   * The published state whose token is `token`, or undefined when this thread has none: it is
   * not the creating thread, nor a worker started after `create`.
   */
  static find(token: number): SharedVmState | undefined {
    const buffer = getEnvironmentData(ENVIRONMENT_KEY);
    if (!(buffer instanceof SharedArrayBuffer)) return undefined;
    const state = new SharedVmState(buffer);
    return state.token === token ? state : undefined;
  }

  /** Makes this state reachable from this thread and every worker started from now on. */
  publish(): void {
    setEnvironmentData(ENVIRONMENT_KEY, this.buffer);
  }

  /** Withdraws this state (if it is the published one), e.g. when its VM is destroyed. */
  unpublish(): void {
    if (getEnvironmentData(ENVIRONMENT_KEY) === this.buffer) {
      setEnvironmentData(ENVIRONMENT_KEY, undefined);
    }
  }

  /** A random number identifying this VM's state (carried in the VM handle). */
  get token(): number {
    return Atomics.load(this.#words, TOKEN);
  }

  /** How many vCPUs the VM has. */
  get vcpuCount(): number {
    return Atomics.load(this.#words, VCPUS);
  }

  /** Whether the in-kernel GIC has been created. */
  get gicCreated(): boolean {
    return Atomics.load(this.#words, GIC) !== 0;
  }

  /** Records that the GIC exists. */
  markGicCreated(): void {
    Atomics.store(this.#words, GIC, 1);
  }

  /** Whether any vCPU has been created. */
  get anyVcpuCreated(): boolean {
    for (let id = 0; id < this.vcpuCount; id++) {
      if (Atomics.load(this.#words, this.#word(id, CREATED)) !== 0) return true;
    }
    return false;
  }

  /** Claims vCPU `id` for creation; false if some thread already created it. */
  claimVcpu(id: number): boolean {
    return Atomics.compareExchange(this.#words, this.#word(id, CREATED), 0, 1) === 0;
  }

  /** vCPU `id`'s {@link PowerState}. */
  power(id: number): number {
    return Atomics.load(this.#words, this.#word(id, POWER));
  }

  /** Sets vCPU `id`'s power state (ON at boot, OFF for PSCI CPU_OFF). */
  setPower(id: number, state: number): void {
    Atomics.store(this.#words, this.#word(id, POWER), state);
  }

  /**
   * PSCI CPU_ON for vCPU `id`: if it is off, hands it `entry` and `context` and wakes it.
   * Returns the power state it was in (only {@link PowerState.OFF} means it was started).
   */
  requestCpuOn(id: number, entry: bigint, context: bigint): number {
    const power = this.#word(id, POWER);
    const previous = Atomics.compareExchange(
      this.#words,
      power,
      PowerState.OFF,
      PowerState.CLAIMED,
    );
    if (previous !== PowerState.OFF) return previous;
    Atomics.store(this.#mailbox, id * MAILBOX_SLOTS + ENTRY, entry);
    Atomics.store(this.#mailbox, id * MAILBOX_SLOTS + CONTEXT, context);
    Atomics.store(this.#words, power, PowerState.ON_PENDING);
    this.wake(id);
    return PowerState.OFF;
  }

  /**
   * On vCPU `id`'s own thread: takes a delivered CPU_ON (entry point and context id) and marks
   * the vCPU on, or returns undefined if none is pending.
   */
  takeCpuOn(id: number): { entry: bigint; context: bigint } | undefined {
    if (this.power(id) !== PowerState.ON_PENDING) return undefined;
    const start = {
      entry: BigInt.asUintN(64, Atomics.load(this.#mailbox, id * MAILBOX_SLOTS + ENTRY)),
      context: BigInt.asUintN(64, Atomics.load(this.#mailbox, id * MAILBOX_SLOTS + CONTEXT)),
    };
    this.setPower(id, PowerState.ON);
    return start;
  }

  /** vCPU `id`'s wake counter, read before deciding to sleep (see {@link sleep}). */
  wakeCount(id: number): number {
    return Atomics.load(this.#words, this.#word(id, WAKE));
  }

  /** Wakes vCPU `id` if it sleeps (idle in WFI or powered off). */
  wake(id: number): void {
    const word = this.#word(id, WAKE);
    Atomics.add(this.#words, word, 1);
    Atomics.notify(this.#words, word);
  }

  /** Wakes every vCPU (an interrupt may be routed to any of them). */
  wakeAll(): void {
    for (let id = 0; id < this.vcpuCount; id++) this.wake(id);
  }

  /**
   * Sleeps on vCPU `id`'s thread until it is woken after its wake counter read `seen`, or
   * `timeoutMs` passes (undefined: no limit). Returns at once if a wake came in between.
   */
  sleep(id: number, seen: number, timeoutMs?: number): void {
    Atomics.wait(this.#words, this.#word(id, WAKE), seen, timeoutMs);
  }

  /** Flags vCPU `id` to leave `run()` with an `interrupted` exit (the kicker then wakes it). */
  requestKick(id: number): void {
    Atomics.store(this.#words, this.#word(id, KICK), 1);
  }

  /** Takes vCPU `id`'s kick flag: true if a kick was pending. */
  takeKick(id: number): boolean {
    return Atomics.exchange(this.#words, this.#word(id, KICK), 0) !== 0;
  }

  #word(id: number, field: number): number {
    if (!Number.isInteger(id) || id < 0 || id >= this.vcpuCount) {
      throw new VmmError(`vCPU ${id} does not exist in this VM (vCPUs 0..${this.vcpuCount - 1})`);
    }
    return HEADER_WORDS + id * VCPU_WORDS + field;
  }
}
