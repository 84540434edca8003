import type { AccessCheck } from './access-check.js';

/** Status: the system flag (self-test passed), mirrored from configuration bit 2. */
const SYSTEM = 0x04;
/** Status: the last write went to the command port. */
const LAST_WRITE_COMMAND = 0x08;
/** Status: the keyboard is not inhibited. */
const UNLOCKED = 0x10;

/**
 * What the i8042 must answer, written from the 8042 command set as vmm implements it and
 * independently of `I8042`: a test oracle. Offset 0 is the data port, offset 4 the
 * status/command port, offsets 1-3 answer like unclaimed ports. It also counts the reboots the
 * guest's writes must have caused (reset pulses and output-port writes with bit 0 low).
 */
export class I8042Model {
  readonly #ram = new Uint8Array(32);
  #status = SYSTEM | UNLOCKED;
  #outputPort = 0x03;
  #output: { readonly value: number; readonly fromAux: boolean } | undefined;
  #awaiting: number | undefined;
  /** Reboots the guest asked for since {@link beginAccess}. */
  rebootsRequired = 0;
  /** How many bytes the controller answered, over the run. */
  answers = 0;

  constructor() {
    this.#ram[0] = 0x47;
  }

  /** Starts counting the reboots of a new guest access. */
  beginAccess(): void {
    this.rebootsRequired = 0;
  }

  /** Checks a byte the guest read from `register`. */
  read(register: number, value: number, check: AccessCheck): void {
    if (register === 0) {
      check.equal(value, this.#output?.value ?? 0, 'the i8042 data port');
      this.#output = undefined;
    } else if (register === 4) {
      const output = this.#output;
      const full = output === undefined ? 0 : 0x01 | (output.fromAux ? 0x20 : 0);
      check.equal(value, this.#status | full, 'the i8042 status');
    } else {
      check.equal(value, 0xff, 'ports 0x61-0x63');
    }
  }

  /** Takes note of a byte the guest wrote to `register`. */
  write(register: number, value: number): void {
    if (register === 4) {
      this.#status |= LAST_WRITE_COMMAND;
      this.#awaiting = undefined;
      this.#command(value);
    } else if (register === 0) {
      this.#status &= ~LAST_WRITE_COMMAND;
      const command = this.#awaiting;
      this.#awaiting = undefined;
      if (command !== undefined) this.#data(command, value);
    }
  }

  #command(command: number): void {
    const config = this.#ram[0]!;
    if (command >= 0x20 && command <= 0x3f) this.#answer(this.#ram[command & 0x1f]!);
    else if (command >= 0x60 && command <= 0x7f) this.#awaiting = command;
    else if (command >= 0xf0) {
      if ((command & 1) === 0) this.rebootsRequired++;
    } else if (command === 0xa7) this.#setConfig(config | 0x20);
    else if (command === 0xa8) this.#setConfig(config & ~0x20);
    else if (command === 0xad) this.#setConfig(config | 0x10);
    else if (command === 0xae) this.#setConfig(config & ~0x10);
    else if (command === 0xaa) {
      this.#setConfig(config | SYSTEM);
      this.#answer(0x55);
    } else if (command === 0xa9 || command === 0xab) this.#answer(0x00);
    else if (command === 0xd0) this.#answer(this.#outputPort);
    else if (command >= 0xd1 && command <= 0xd4) this.#awaiting = command;
  }

  #data(command: number, value: number): void {
    if (command === 0xd1) {
      this.#outputPort = value;
      if ((value & 1) === 0) this.rebootsRequired++;
    } else if (command === 0xd2) this.#answer(value);
    else if (command === 0xd3) this.#answer(value, true);
    else if (command === 0x60) this.#setConfig(value);
    else if (command > 0x60 && command <= 0x7f) this.#ram[command & 0x1f] = value;
  }

  #setConfig(value: number): void {
    this.#ram[0] = value;
    this.#status = (this.#status & ~SYSTEM) | (value & SYSTEM);
  }

  #answer(value: number, fromAux = false): void {
    this.#output = { value, fromAux };
    this.answers++;
  }
}
