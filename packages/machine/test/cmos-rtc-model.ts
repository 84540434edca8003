import type { AccessCheck } from './access-check.js';

/** Registers that show the host's clock (seconds ... year, century): not stored. */
const CLOCK_REGISTERS = new Set([0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32]);
/** Status C: interrupt flags, always 0 (no interrupts). */
const STATUS_C = 0x0c;
/** Status D: valid RAM and time. */
const STATUS_D = 0x0d;
/** Status A, whose update-in-progress bit (7) never sticks. */
const STATUS_A = 0x0a;

/**
 * What the CMOS RTC must answer, written from the MC146818 datasheet as vmm implements it and
 * independently of `CmosRtc`: a test oracle. Offset 0 is the index port (write-only, bit 7 the
 * NMI mask), offset 1 the data port. It knows the bytes the guest wrote, and status A and B as
 * they come out of reset; the rest (the memory sizes firmware stores) it does not check.
 */
export class CmosRtcModel {
  #index = 0;
  readonly #known = new Map<number, number>([
    [STATUS_A, 0x26],
    [0x0b, 0x02],
  ]);
  /** How many reads of a stored byte the model checked. */
  storedReads = 0;

  /** Checks a byte the guest read from `register`. */
  read(register: number, value: number, check: AccessCheck): void {
    if (register === 0) {
      check.equal(value, 0xff, 'the CMOS index port is write-only');
      return;
    }
    const index = this.#index;
    if (CLOCK_REGISTERS.has(index)) return;
    if (index === STATUS_C) check.equal(value, 0, 'CMOS status C');
    else if (index === STATUS_D) check.equal(value, 0x80, 'CMOS status D');
    else {
      const known = this.#known.get(index);
      if (known === undefined) return;
      check.equal(value, known, () => `CMOS byte 0x${index.toString(16)}`);
      this.storedReads++;
    }
  }

  /** Takes note of a byte the guest wrote to `register`. */
  write(register: number, value: number): void {
    if (register === 0) {
      this.#index = value & 0x7f;
      return;
    }
    const index = this.#index;
    if (CLOCK_REGISTERS.has(index) || index === STATUS_C || index === STATUS_D) return;
    this.#known.set(index, index === STATUS_A ? value & 0x7f : value);
  }
}
