import { ByteRegisterDevice } from './byte-register-device.js';
import { DeviceConfigError } from './errors.js';

/** Offset of the index port (0x70). */
const INDEX = 0;
/** Index port bit 7: NMI disable; not part of the register number. */
const INDEX_NMI_DISABLE = 0x80;

/** Register 0x00: seconds. */
const SECONDS = 0x00;
/** Register 0x02: minutes. */
const MINUTES = 0x02;
/** Register 0x04: hours (bit 7 = PM in 12-hour mode). */
const HOURS = 0x04;
/** Register 0x06: day of the week, 1 = Sunday. */
const WEEKDAY = 0x06;
/** Register 0x07: day of the month. */
const DAY = 0x07;
/** Register 0x08: month, 1 = January. */
const MONTH = 0x08;
/** Register 0x09: year within the century. */
const YEAR = 0x09;
/** Register 0x0a: status A (update in progress, divider, rate). */
const STATUS_A = 0x0a;
/** Register 0x0b: status B (data mode, 24-hour mode, interrupt enables). */
const STATUS_B = 0x0b;
/** Register 0x0c: status C (interrupt flags; read-only, cleared on read). */
const STATUS_C = 0x0c;
/** Register 0x0d: status D (bit 7: RAM and time valid; read-only). */
const STATUS_D = 0x0d;
/** Register 0x32: century, the register PC firmware (and ACPI's FADT default) uses. */
const CENTURY = 0x32;

/** Status A at reset: 32.768 kHz time base (0x20), 1024 Hz periodic rate (0x06), UIP clear. */
const INITIAL_STATUS_A = 0x26;
/** Status A bit 7: update in progress; always clear because reads are computed on demand. */
const STATUS_A_UPDATE_IN_PROGRESS = 0x80;
/** Status B at reset: 24-hour mode, BCD data. */
const INITIAL_STATUS_B = 0x02;
/** Status B bit 1: 24-hour mode (clear: 12-hour with bit 7 of the hour meaning PM). */
const STATUS_B_24_HOUR = 0x02;
/** Status B bit 2: binary data mode (clear: BCD). */
const STATUS_B_BINARY = 0x04;
/** Status D: valid RAM and time (the battery is good). */
const STATUS_D_VALID = 0x80;
/** Hour bit 7 in 12-hour mode: PM. */
const HOUR_PM = 0x80;

/** Registers 0x15/0x16: base memory in KiB, little-endian. */
const BASE_MEMORY_KIB = 0x15;
/** Registers 0x17/0x18: memory from 1 MiB up to 64 MiB, in KiB. */
const EXTENDED_MEMORY_KIB = 0x17;
/** Registers 0x30/0x31: the same extended memory size again (as reported by POST). */
const EXTENDED_MEMORY_KIB_POST = 0x30;
/** Registers 0x34/0x35: memory from 16 MiB up to 4 GiB, in 64 KiB units. */
const MEMORY_ABOVE_16M_64K = 0x34;
/** Base memory a PC reports: 640 KiB. */
const BASE_MEMORY_SIZE_KIB = 640;

/** What a {@link CmosRtc} is built from. */
export interface CmosRtcOptions {
  /** The clock the time registers show; defaults to the host's real time. Read as UTC. */
  readonly now?: () => Date;
}

/** Formats `value` (0..99) the way status B asks: BCD unless binary mode is on. */
function encode(value: number, binary: boolean): number {
  return binary ? value : (Math.floor(value / 10) << 4) | (value % 10);
}

/**
 * The PC's MC146818-style CMOS real-time clock and its 128 bytes of battery-backed RAM
 * (register it at `x86_64Layout.CMOS_PORT` with {@link portCount} 2), behind
 * the index port 0x70 (offset 0; bit 7 is the NMI-disable bit and is masked off) and the data
 * port 0x71 (offset 1). The time registers (seconds, minutes, hours, weekday, day, month, year,
 * century at 0x32) show the injected clock in UTC at the moment they are read, in BCD and 24-hour
 * mode unless the guest changes status B. The clock never reports an update in progress, and
 * guest writes to the time registers are ignored (the host clock is the truth). Status C reads 0
 * and status D 0x80 (valid). Every other byte is plain RAM that reads back what was written.
 * The device raises no interrupts.
 */
export class CmosRtc extends ByteRegisterDevice {
  /** The RTC spans two ports: index at offset 0, data at offset 1. */
  readonly portCount = 2;
  readonly #now: () => Date;
  readonly #ram = new Uint8Array(128);
  #index = 0;

  /** Creates the RTC with empty RAM and the given clock. */
  constructor(options: CmosRtcOptions = {}) {
    super();
    this.#now = options.now ?? (() => new Date());
    this.#ram[STATUS_A] = INITIAL_STATUS_A;
    this.#ram[STATUS_B] = INITIAL_STATUS_B;
  }

  /**
   * Fills the memory-size bytes PC firmware stores (0x15-0x18, 0x30-0x31, 0x34-0x35) for
   * `lowMemoryBytes` of RAM starting at address 0 and ending below 4 GiB (below the MMIO gap).
   * Linux ignores them (it reads the e820 map); firmware such as SeaBIOS reads them.
   */
  setMemorySize(lowMemoryBytes: number): void {
    if (!Number.isSafeInteger(lowMemoryBytes) || lowMemoryBytes < 0) {
      throw new DeviceConfigError(
        `CMOS memory size must be a whole, non-negative number of bytes, not ${lowMemoryBytes}`,
      );
    }
    const kib = 1024;
    const mib = 1024 * kib;
    const extendedKib = Math.min(Math.floor(Math.max(lowMemoryBytes - mib, 0) / kib), 0xffff);
    const above16m = Math.min(
      Math.floor(Math.max(lowMemoryBytes - 16 * mib, 0) / (64 * kib)),
      0xffff,
    );
    this.#setWord(BASE_MEMORY_KIB, BASE_MEMORY_SIZE_KIB);
    this.#setWord(EXTENDED_MEMORY_KIB, extendedKib);
    this.#setWord(EXTENDED_MEMORY_KIB_POST, extendedKib);
    this.#setWord(MEMORY_ABOVE_16M_64K, above16m);
  }

  /** Reads the data port (the selected register); the index port reads as 0xff (write-only). */
  protected readRegister(offset: number): number {
    return offset === INDEX ? 0xff : this.#readCmos(this.#index);
  }

  /** Selects a register (index port) or writes the selected one (data port). */
  protected writeRegister(offset: number, value: number): void {
    if (offset === INDEX) this.#index = value & ~INDEX_NMI_DISABLE;
    else this.#writeCmos(this.#index, value);
  }

  #readCmos(index: number): number {
    const statusB = this.#ram[STATUS_B] ?? 0;
    const binary = (statusB & STATUS_B_BINARY) !== 0;
    switch (index) {
      case SECONDS:
        return encode(this.#now().getUTCSeconds(), binary);
      case MINUTES:
        return encode(this.#now().getUTCMinutes(), binary);
      case HOURS: {
        const hour = this.#now().getUTCHours();
        if (statusB & STATUS_B_24_HOUR) return encode(hour, binary);
        return encode(hour % 12 === 0 ? 12 : hour % 12, binary) | (hour >= 12 ? HOUR_PM : 0);
      }
      case WEEKDAY:
        return encode(this.#now().getUTCDay() + 1, binary);
      case DAY:
        return encode(this.#now().getUTCDate(), binary);
      case MONTH:
        return encode(this.#now().getUTCMonth() + 1, binary);
      case YEAR:
        return encode(this.#now().getUTCFullYear() % 100, binary);
      case CENTURY:
        return encode(Math.floor(this.#now().getUTCFullYear() / 100) % 100, binary);
      case STATUS_C:
        return 0;
      case STATUS_D:
        return STATUS_D_VALID;
      default:
        return this.#ram[index] ?? 0xff;
    }
  }

  #writeCmos(index: number, value: number): void {
    switch (index) {
      case SECONDS:
      case MINUTES:
      case HOURS:
      case WEEKDAY:
      case DAY:
      case MONTH:
      case YEAR:
      case CENTURY:
      case STATUS_C:
      case STATUS_D:
        break;
      case STATUS_A:
        this.#ram[STATUS_A] = value & ~STATUS_A_UPDATE_IN_PROGRESS;
        break;
      default:
        this.#ram[index] = value;
    }
  }

  #setWord(index: number, value: number): void {
    this.#ram[index] = value & 0xff;
    this.#ram[index + 1] = (value >> 8) & 0xff;
  }
}
