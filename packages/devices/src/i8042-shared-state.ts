import {
  CONTROLLER_RAM_BYTES,
  INITIAL_CONFIG,
  INITIAL_OUTPUT_PORT,
  INITIAL_STATUS,
} from './i8042-registers.js';
import { SharedByteRegisters } from './shared-byte-registers.js';

/** Byte of the status bits the controller keeps (output-buffer bits come from the output). */
const STATUS = CONTROLLER_RAM_BYTES;
/** Byte of the output port. */
const OUTPUT_PORT = CONTROLLER_RAM_BYTES + 1;
/** Byte of the byte waiting at the data port. */
const OUTPUT = CONTROLLER_RAM_BYTES + 2;
/** Byte of the output's flags: {@link OUTPUT_WAITING}, {@link OUTPUT_FROM_AUX}. */
const OUTPUT_FLAGS = CONTROLLER_RAM_BYTES + 3;
/** Byte of the command whose data byte the controller awaits; 0 when none (no such command). */
const AWAITED_COMMAND = CONTROLLER_RAM_BYTES + 4;
/** Output flag: a byte waits at the data port. */
const OUTPUT_WAITING = 0x01;
/** Output flag: the waiting byte came from the auxiliary port. */
const OUTPUT_FROM_AUX = 0x02;

/**
 * The guest-visible state of the i8042 keyboard controller, for every thread that runs it: its
 * 32 bytes of RAM (the configuration byte first), its status bits, output port, the byte waiting
 * at the data port and the command awaiting a data byte, so that an {@link I8042} built in each
 * vCPU worker around the same state is one controller whichever vCPU the guest reaches it from.
 * The guest serializes its command-then-data sequences, as Linux's `i8042_lock` does; each byte
 * is read and written atomically.
 *
 * Layout, {@link I8042SharedState.BYTE_LENGTH} bytes from `byteOffset`: bytes 0-31 the RAM,
 * 32 the status bits, 33 the output port, 34 the waiting byte, 35 its flags (bit 0 waiting,
 * bit 1 from the aux port), 36 the awaited command, then padding to a 32-bit boundary.
 */
export class I8042SharedState extends SharedByteRegisters {
  /** Bytes the state takes in its buffer. */
  static readonly BYTE_LENGTH = CONTROLLER_RAM_BYTES + 8;

  /** Allocates fresh state as PC firmware leaves the controller (see {@link initialize}). */
  static create(): I8042SharedState {
    const state = new I8042SharedState(new SharedArrayBuffer(I8042SharedState.BYTE_LENGTH), 0);
    state.initialize();
    return state;
  }

  /**
   * Wraps the state at `byteOffset` of `buffer` (as made by {@link create}, or zeroed memory
   * given to {@link initialize} once).
   *
   * @throws {@link DeviceConfigError} when it does not fit in `buffer`.
   */
  constructor(buffer: SharedArrayBuffer, byteOffset = 0) {
    super(buffer, byteOffset, I8042SharedState.BYTE_LENGTH, 'I8042SharedState');
  }

  /**
   * Puts the controller in the state PC firmware leaves it: the configuration byte with
   * interrupts, system flag and translation on, self-test passed, the reset line high, nothing
   * waiting. Call once, before the guest runs.
   */
  initialize(): void {
    this.writeRam(0, INITIAL_CONFIG);
    this.status = INITIAL_STATUS;
    this.outputPort = INITIAL_OUTPUT_PORT;
  }

  /** Byte `index` (0..31) of the controller's RAM. */
  readRam(index: number): number {
    return this.load(index % CONTROLLER_RAM_BYTES);
  }

  /** Stores `value` as byte `index` (0..31) of the controller's RAM. */
  writeRam(index: number, value: number): void {
    this.store(index % CONTROLLER_RAM_BYTES, value);
  }

  /** The status bits the controller keeps: system flag, last write a command, unlocked. */
  get status(): number {
    return this.load(STATUS);
  }

  set status(value: number) {
    this.store(STATUS, value);
  }

  /** The output port's lines (bit 0: the CPU's reset line, active low). */
  get outputPort(): number {
    return this.load(OUTPUT_PORT);
  }

  set outputPort(value: number) {
    this.store(OUTPUT_PORT, value);
  }

  /** Whether a byte waits at the data port. */
  get outputWaiting(): boolean {
    return (this.load(OUTPUT_FLAGS) & OUTPUT_WAITING) !== 0;
  }

  /** Whether the waiting byte came from the auxiliary port. */
  get outputFromAux(): boolean {
    return (this.load(OUTPUT_FLAGS) & OUTPUT_FROM_AUX) !== 0;
  }

  /** Leaves `value` waiting at the data port, from the aux port when `fromAux`. */
  putOutput(value: number, fromAux: boolean): void {
    this.store(OUTPUT, value);
    this.store(OUTPUT_FLAGS, OUTPUT_WAITING | (fromAux ? OUTPUT_FROM_AUX : 0));
  }

  /** Takes the waiting byte (the data port's read), or `undefined` if none waits. */
  takeOutput(): number | undefined {
    if (!this.outputWaiting) return undefined;
    const value = this.load(OUTPUT);
    this.store(OUTPUT_FLAGS, 0);
    return value;
  }

  /** The command whose data byte the controller awaits, if any. */
  get awaitedCommand(): number | undefined {
    const command = this.load(AWAITED_COMMAND);
    return command === 0 ? undefined : command;
  }

  set awaitedCommand(command: number | undefined) {
    this.store(AWAITED_COMMAND, command ?? 0);
  }
}
