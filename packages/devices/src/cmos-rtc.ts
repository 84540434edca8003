import { ByteRegisterDevice } from './byte-register-device.js';
import {
  CENTURY,
  DAY,
  HOUR_PM,
  HOURS,
  INDEX_NMI_DISABLE,
  MINUTES,
  MONTH,
  SECONDS,
  STATUS_A,
  STATUS_A_UPDATE_IN_PROGRESS,
  STATUS_B,
  STATUS_B_24_HOUR,
  STATUS_B_BINARY,
  STATUS_C,
  STATUS_D,
  STATUS_D_VALID,
  WEEKDAY,
  YEAR,
} from './cmos-rtc-registers.js';
import { CmosRtcSharedState } from './cmos-rtc-shared-state.js';

/** Offset of the index port (0x70). */
const INDEX = 0;

/** What a {@link CmosRtc} is built from. */
export interface CmosRtcOptions {
  /** The clock the time registers show; defaults to the host's real time. Read as UTC. */
  readonly now?: () => Date;
  /**
   * The chip's registers and RAM, shared by every vCPU thread's RTC (see
   * {@link CmosRtcSharedState}); defaults to fresh state of this RTC's own.
   */
  readonly state?: CmosRtcSharedState;
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
 * The device raises no interrupts. Everything the guest can change lives in its
 * {@link CmosRtcSharedState}, so RTCs built around one state on several vCPU threads are one
 * chip.
 */
export class CmosRtc extends ByteRegisterDevice {
  /** The RTC spans two ports: index at offset 0, data at offset 1. */
  readonly portCount = 2;
  readonly #now: () => Date;
  readonly #state: CmosRtcSharedState;

  /** Creates the RTC over `options.state` (or fresh state) with the given clock. */
  constructor(options: CmosRtcOptions = {}) {
    super();
    this.#now = options.now ?? (() => new Date());
    this.#state = options.state ?? CmosRtcSharedState.create();
  }

  /** Reads the data port (the selected register); the index port reads as 0xff (write-only). */
  protected readRegister(offset: number): number {
    return offset === INDEX ? 0xff : this.#readCmos(this.#state.index);
  }

  /** Selects a register (index port) or writes the selected one (data port). */
  protected writeRegister(offset: number, value: number): void {
    if (offset === INDEX) this.#state.index = value & ~INDEX_NMI_DISABLE;
    else this.#writeCmos(this.#state.index, value);
  }

  #readCmos(index: number): number {
    const statusB = this.#state.read(STATUS_B);
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
        return this.#state.read(index);
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
        this.#state.write(STATUS_A, value & ~STATUS_A_UPDATE_IN_PROGRESS);
        break;
      default:
        this.#state.write(index, value);
    }
  }
}
