import { ByteRegisterDevice } from './byte-register-device.js';

/** Offset of the data port (0x60). */
const DATA = 0;
/** Offset of the status (read) / command (write) port (0x64). */
const COMMAND = 4;

/** Status bit 0: output buffer full, a byte waits at the data port. */
const STATUS_OUTPUT_FULL = 0x01;
/** Status bit 2: system flag, set once the controller passed its self-test. */
const STATUS_SYSTEM = 0x04;
/** Status bit 3: the last write went to the command port (clear: to the data port). */
const STATUS_COMMAND = 0x08;
/** Status bit 4: keyboard not inhibited by the keylock. */
const STATUS_UNLOCKED = 0x10;
/** Status bit 5: the waiting byte came from the auxiliary (mouse) port. */
const STATUS_AUX_DATA = 0x20;

/** Controller configuration byte bit 2: the system flag, mirrored in status bit 2. */
const CONFIG_SYSTEM = 0x04;
/** Controller configuration byte bit 4: keyboard port disabled. */
const CONFIG_KBD_DISABLED = 0x10;
/** Controller configuration byte bit 5: auxiliary port disabled. */
const CONFIG_AUX_DISABLED = 0x20;
/**
 * Configuration byte as PC firmware leaves it: keyboard and aux interrupts enabled (bits 0, 1),
 * system flag (bit 2), scan-code translation (bit 6).
 */
const INITIAL_CONFIG = 0x47;
/** Output port at reset: bit 0 high (reset line not asserted), bit 1 high (A20 enabled). */
const INITIAL_OUTPUT_PORT = 0x03;
/** Output port bit 0: low holds the CPU in reset. */
const OUTPUT_PORT_RESET_HIGH = 0x01;

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
}

/**
 * The PC's i8042 keyboard controller, with no keyboard or mouse attached. Its job here is to let
 * the guest reboot (command 0xfe pulses the reset line, as Linux's `reboot=k` does) and to answer
 * a probing kernel sanely: self-test passes (0x55), the configuration byte reads back what was
 * written, aux loopback (0xd3) echoes, interface tests report no error. Bytes meant for the
 * keyboard or mouse are dropped, and the controller raises no interrupts.
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
  readonly #ram = new Uint8Array(32);
  #status = STATUS_SYSTEM | STATUS_UNLOCKED;
  #outputPort = INITIAL_OUTPUT_PORT;
  #output: number | undefined;
  #outputFromAux = false;
  #awaitingData: number | undefined;

  /** Creates the controller in the state PC firmware leaves it. */
  constructor(options: I8042Options) {
    super();
    this.#onReset = options.onReset;
    this.#ram[0] = INITIAL_CONFIG;
  }

  /** Reads the data port (the waiting byte, or 0) or the status port. */
  protected readRegister(offset: number): number {
    switch (offset) {
      case DATA: {
        const value = this.#output ?? 0;
        this.#output = undefined;
        return value;
      }
      case COMMAND:
        return (
          this.#status |
          (this.#output === undefined ? 0 : STATUS_OUTPUT_FULL) |
          (this.#output !== undefined && this.#outputFromAux ? STATUS_AUX_DATA : 0)
        );
      default:
        return 0xff;
    }
  }

  /** Writes the data port (a command's argument, else for the absent keyboard) or a command. */
  protected writeRegister(offset: number, value: number): void {
    if (offset === COMMAND) {
      this.#status |= STATUS_COMMAND;
      this.#awaitingData = undefined;
      this.#command(value);
    } else if (offset === DATA) {
      this.#status &= ~STATUS_COMMAND;
      const command = this.#awaitingData;
      this.#awaitingData = undefined;
      if (command !== undefined) this.#commandData(command, value);
    }
  }

  #command(command: number): void {
    if (command >= CMD_READ_RAM && command < CMD_READ_RAM + 0x20) {
      this.#answer(this.#ram[command & 0x1f] ?? 0);
    } else if (command >= CMD_WRITE_RAM && command < CMD_WRITE_RAM + 0x20) {
      this.#awaitingData = command;
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
          this.#answer(this.#outputPort);
          break;
        case CMD_WRITE_OUTPUT_PORT:
        case CMD_WRITE_KBD_OUTPUT:
        case CMD_WRITE_AUX_OUTPUT:
        case CMD_WRITE_AUX:
          this.#awaitingData = command;
          break;
      }
    }
  }

  #commandData(command: number, value: number): void {
    switch (command) {
      case CMD_WRITE_OUTPUT_PORT:
        this.#outputPort = value;
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
        else this.#ram[command & 0x1f] = value;
    }
  }

  #config(): number {
    return this.#ram[0] ?? 0;
  }

  #setConfig(value: number): void {
    this.#ram[0] = value;
    this.#status = (this.#status & ~STATUS_SYSTEM) | (value & CONFIG_SYSTEM ? STATUS_SYSTEM : 0);
  }

  #answer(value: number, fromAux = false): void {
    this.#output = value;
    this.#outputFromAux = fromAux;
  }
}
