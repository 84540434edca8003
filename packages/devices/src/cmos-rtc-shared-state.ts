import {
  BASE_MEMORY_KIB,
  BASE_MEMORY_SIZE_KIB,
  CMOS_BYTES,
  EXTENDED_MEMORY_KIB,
  EXTENDED_MEMORY_KIB_POST,
  INITIAL_STATUS_A,
  INITIAL_STATUS_B,
  MEMORY_ABOVE_16M_64K,
  STATUS_A,
  STATUS_B,
} from './cmos-rtc-registers.js';
import { DeviceConfigError } from './errors.js';
import { SharedByteRegisters } from './shared-byte-registers.js';

/** Byte of the selected register's number, after the 128 bytes behind the index port. */
const INDEX = CMOS_BYTES;

/**
 * The guest-visible state of the CMOS RTC, for every thread that runs it: the 128 bytes behind
 * the index port (status registers and battery-backed RAM; the time registers' bytes are unused,
 * since the clock is read from the host) and the selected index, so that a {@link CmosRtc} built
 * in each vCPU worker around the same state is one chip whichever vCPU the guest reaches it
 * from. The guest serializes its index-then-data pairs, as Linux's `rtc_lock` does; each byte is
 * read and written atomically.
 *
 * Layout, {@link CmosRtcSharedState.BYTE_LENGTH} bytes from `byteOffset`: bytes 0-127 the CMOS
 * bytes by register number, byte 128 the index, then padding to a 32-bit boundary.
 */
export class CmosRtcSharedState extends SharedByteRegisters {
  /** Bytes the state takes in its buffer. */
  static readonly BYTE_LENGTH = CMOS_BYTES + 4;

  /** Allocates fresh state as the chip comes out of reset: status A and B set, RAM zero. */
  static create(): CmosRtcSharedState {
    const state = new CmosRtcSharedState(new SharedArrayBuffer(CmosRtcSharedState.BYTE_LENGTH), 0);
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
    super(buffer, byteOffset, CmosRtcSharedState.BYTE_LENGTH, 'CmosRtcSharedState');
  }

  /** Puts the chip's registers at their reset values. Call once, before the guest runs. */
  initialize(): void {
    this.write(STATUS_A, INITIAL_STATUS_A);
    this.write(STATUS_B, INITIAL_STATUS_B);
  }

  /** The register the data port reaches (the index port's last write, NMI bit masked off). */
  get index(): number {
    return this.load(INDEX);
  }

  set index(register: number) {
    this.store(INDEX, register % CMOS_BYTES);
  }

  /** The stored byte of `register` (0..127). */
  read(register: number): number {
    return this.load(register % CMOS_BYTES);
  }

  /** Stores `value` as the byte of `register` (0..127). */
  write(register: number, value: number): void {
    this.store(register % CMOS_BYTES, value);
  }

  /**
   * Fills the memory-size bytes PC firmware stores (0x15-0x18, 0x30-0x31, 0x34-0x35) for
   * `lowMemoryBytes` of RAM starting at address 0 and ending below 4 GiB (below the MMIO gap).
   * Linux ignores them (it reads the e820 map); firmware such as SeaBIOS reads them.
   *
   * @throws {@link DeviceConfigError} when `lowMemoryBytes` is not a whole, non-negative number.
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
    this.#writeWord(BASE_MEMORY_KIB, BASE_MEMORY_SIZE_KIB);
    this.#writeWord(EXTENDED_MEMORY_KIB, extendedKib);
    this.#writeWord(EXTENDED_MEMORY_KIB_POST, extendedKib);
    this.#writeWord(MEMORY_ABOVE_16M_64K, above16m);
  }

  #writeWord(register: number, value: number): void {
    this.write(register, value & 0xff);
    this.write(register + 1, (value >> 8) & 0xff);
  }
}
