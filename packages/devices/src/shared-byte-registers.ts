import { DeviceConfigError } from './errors.js';

/**
 * What the shared state of a device with byte-wide registers has: `byteLength` bytes of a
 * `SharedArrayBuffer` from `byteOffset`, one register or RAM byte each, read and written with
 * `Atomics` so that every vCPU thread sees each byte whole. Subclasses
 * ({@link I8042SharedState}, {@link CmosRtcSharedState}) name the bytes.
 */
export abstract class SharedByteRegisters {
  /** The shared memory holding the state; post it to another thread to share the device. */
  readonly buffer: SharedArrayBuffer;
  /** Where in {@link buffer} the state starts. */
  readonly byteOffset: number;
  readonly #bytes: Uint8Array;

  /**
   * Wraps `byteLength` bytes of `buffer` from `byteOffset`.
   *
   * @throws {@link DeviceConfigError} when `buffer` is not shared memory or the bytes do not fit
   *   in it; `stateClass` names the state in the message.
   */
  protected constructor(
    buffer: SharedArrayBuffer,
    byteOffset: number,
    byteLength: number,
    stateClass: string,
  ) {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new DeviceConfigError(`${stateClass} needs a SharedArrayBuffer`);
    }
    if (!Number.isSafeInteger(byteOffset) || byteOffset < 0) {
      throw new DeviceConfigError(
        `${stateClass} needs a whole, non-negative byte offset, not ${byteOffset}`,
      );
    }
    if (byteOffset + byteLength > buffer.byteLength) {
      throw new DeviceConfigError(
        `${stateClass} needs ${byteLength} bytes from byte ${byteOffset}; the buffer has ${buffer.byteLength}`,
      );
    }
    this.buffer = buffer;
    this.byteOffset = byteOffset;
    this.#bytes = new Uint8Array(buffer, byteOffset, byteLength);
  }

  /** Byte `index` of the state. */
  protected load(index: number): number {
    return Atomics.load(this.#bytes, index);
  }

  /** Stores `value` (its low 8 bits) as byte `index` of the state. */
  protected store(index: number, value: number): void {
    Atomics.store(this.#bytes, index, value);
  }
}
