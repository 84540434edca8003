import { ByteRegisterDevice } from './byte-register-device.js';
import {
  CONFIG_AUX_DISABLED,
  CONFIG_KBD_DISABLED,
  CONFIG_SYSTEM,
  OUTPUT_PORT_RESET_HIGH,
  STATUS_AUX_DATA,
  STATUS_COMMAND,
  STATUS_OUTPUT_FULL,
  STATUS_SYSTEM,
} from './i8042-registers.js';
import { I8042SharedState } from './i8042-shared-state.js';

/** Offset of the data port (0x60). */
const DATA = 0;
/** Offset of the status (read) / command (write) port (0x64). */
const COMMAND = 4;

/** Command 0x20-0x3f: read controller RAM byte (command & 0x1f); byte 0 is the configuration. */
const CMD_READ_RAM = 0x20;
/** Command 0x60-0x7f: write controller RAM byte (command & 0x1f) from the next data byte. */
const CMD_WRITE_RAM = 0x60;
/** Command 0xa7: disable the auxiliary port. */
const CMD_AUX_DISABLE = 0xa7;
/** Command 0xa8: enable the auxiliary port. */
const CMD_AUX_ENABLE = 0xa8;
/** Command 0xa9: test the auxiliary port interface; answers 0x00 (no error). */
const CMD_AUX_TEST = 0xa9;
/** Command 0xaa: controller self-test; answers 0x55 (passed). */
const CMD_SELF_TEST = 0xaa;
/** Command 0xab: test the keyboard interface; answers 0x00 (no error). */
const CMD_KBD_TEST = 0xab;
/** Command 0xad: disable the keyboard port. */
const CMD_KBD_DISABLE = 0xad;
/** Command 0xae: enable the keyboard port. */
const CMD_KBD_ENABLE = 0xae;
/** Command 0xd0: read the output port. */
const CMD_READ_OUTPUT_PORT = 0xd0;
/** Command 0xd1: write the output port from the next data byte. */
const CMD_WRITE_OUTPUT_PORT = 0xd1;
/** Command 0xd2: the next data byte comes back as if the keyboard had sent it. */
const CMD_WRITE_KBD_OUTPUT = 0xd2;
/** Command 0xd3: the next data byte comes back as if the aux device had sent it (loopback). */
const CMD_WRITE_AUX_OUTPUT = 0xd3;
/** Command 0xd4: send the next data byte to the aux device. */
const CMD_WRITE_AUX = 0xd4;
/** Commands 0xf0-0xff: pulse output port lines whose bit (3:0) is clear; bit 0 is reset. */
const CMD_PULSE_OUTPUT = 0xf0;
/** Answer to the controller self-test: passed. */
const SELF_TEST_PASSED = 0x55;
/** Answer to an interface test: no error. */
const INTERFACE_OK = 0x00;

/** What an {@link I8042} is built from. */
export interface I8042Options {
  /** Called when the guest pulses the CPU reset line (command 0xfe): the VM should reboot. */
  readonly onReset: () => void;
  /**
   * The controller's registers and RAM, shared by every vCPU thread's i8042 (see
   * {@link I8042SharedState}); defaults to fresh state of this controller's own.
   */
  readonly state?: I8042SharedState;
}

/**
 * The PC's i8042 keyboard controller, with no keyboard or mouse attached. Its job here is to let
 * the guest reboot (command 0xfe pulses the reset line, as Linux's `reboot=k` does) and to answer
 * a probing kernel sanely: self-test passes (0x55), the configuration byte reads back what was
 * written, aux loopback (0xd3) echoes, interface tests report no error. Bytes meant for the
 * keyboard or mouse are dropped, and the controller raises no interrupts. Everything the guest
 * can change lives in its {@link I8042SharedState}, so controllers built around one state on
 * several vCPU threads are one controller.
 *
 * One device covers ports 0x60..0x64 (register it at `x86_64Layout.I8042_DATA_PORT` with
 * {@link portCount} 5, which takes in `I8042_COMMAND_PORT`): offset 0 is the data port, offset
 * 4 the status/command port. Offsets
 * 1..3 (0x61..0x63) answer like unclaimed ports (reads 0xff, writes dropped); on KVM the
 * in-kernel PIT claims port 0x61 before any exit reaches this device.
 */
export class I8042 extends ByteRegisterDevice {
  /** The controller spans ports 0x60..0x64: data at offset 0, status/command at offset 4. */
  readonly portCount = 5;
  readonly #onReset: () => void;
  readonly #state: I8042SharedState;

  /** Creates the controller over `options.state` (or fresh state, as PC firmware leaves it). */
  constructor(options: I8042Options) {
    super();
    this.#onReset = options.onReset;
    this.#state = options.state ?? I8042SharedState.create();
  }

  /** Reads the data port (the waiting byte, or 0) or the status port. */
  protected readRegister(offset: number): number {
    switch (offset) {
      case DATA:
        return this.#state.takeOutput() ?? 0;
      case COMMAND: {
        const state = this.#state;
        if (!state.outputWaiting) return state.status;
        return state.status | STATUS_OUTPUT_FULL | (state.outputFromAux ? STATUS_AUX_DATA : 0);
      }
      default:
        return 0xff;
    }
  }

  /** Writes the data port (a command's argument, else for the absent keyboard) or a command. */
  protected writeRegister(offset: number, value: number): void {
    const state = this.#state;
    if (offset === COMMAND) {
      state.status |= STATUS_COMMAND;
      state.awaitedCommand = undefined;
      this.#command(value);
    } else if (offset === DATA) {
      state.status &= ~STATUS_COMMAND;
      const command = state.awaitedCommand;
      state.awaitedCommand = undefined;
      if (command !== undefined) this.#commandData(command, value);
    }
  }

  #command(command: number): void {
    if (command >= CMD_READ_RAM && command < CMD_READ_RAM + 0x20) {
      this.#answer(this.#state.readRam(command & 0x1f));
    } else if (command >= CMD_WRITE_RAM && command < CMD_WRITE_RAM + 0x20) {
      this.#state.awaitedCommand = command;
    } else if (command >= CMD_PULSE_OUTPUT) {
      if ((command & OUTPUT_PORT_RESET_HIGH) === 0) this.#onReset();
    } else {
      switch (command) {
        case CMD_AUX_DISABLE:
          this.#setConfig(this.#config() | CONFIG_AUX_DISABLED);
          break;
        case CMD_AUX_ENABLE:
          this.#setConfig(this.#config() & ~CONFIG_AUX_DISABLED);
          break;
        case CMD_KBD_DISABLE:
          this.#setConfig(this.#config() | CONFIG_KBD_DISABLED);
          break;
        case CMD_KBD_ENABLE:
          this.#setConfig(this.#config() & ~CONFIG_KBD_DISABLED);
          break;
        case CMD_SELF_TEST:
          this.#setConfig(this.#config() | CONFIG_SYSTEM);
          this.#answer(SELF_TEST_PASSED);
          break;
        case CMD_AUX_TEST:
        case CMD_KBD_TEST:
          this.#answer(INTERFACE_OK);
          break;
        case CMD_READ_OUTPUT_PORT:
          this.#answer(this.#state.outputPort);
          break;
        case CMD_WRITE_OUTPUT_PORT:
        case CMD_WRITE_KBD_OUTPUT:
        case CMD_WRITE_AUX_OUTPUT:
        case CMD_WRITE_AUX:
          this.#state.awaitedCommand = command;
          break;
      }
    }
  }

  #commandData(command: number, value: number): void {
    switch (command) {
      case CMD_WRITE_OUTPUT_PORT:
        this.#state.outputPort = value;
        if ((value & OUTPUT_PORT_RESET_HIGH) === 0) this.#onReset();
        break;
      case CMD_WRITE_KBD_OUTPUT:
        this.#answer(value);
        break;
      case CMD_WRITE_AUX_OUTPUT:
        this.#answer(value, true);
        break;
      case CMD_WRITE_AUX:
        // No mouse is attached: the byte is lost, as on a controller with an empty aux port.
        break;
      default:
        if (command === CMD_WRITE_RAM) this.#setConfig(value);
        else this.#state.writeRam(command & 0x1f, value);
    }
  }

  #config(): number {
    return this.#state.readRam(0);
  }

  #setConfig(value: number): void {
    const state = this.#state;
    state.writeRam(0, value);
    state.status = (state.status & ~STATUS_SYSTEM) | (value & CONFIG_SYSTEM ? STATUS_SYSTEM : 0);
  }

  #answer(value: number, fromAux = false): void {
    this.#state.putOutput(value, fromAux);
  }
}
