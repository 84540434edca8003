import { DeviceConfigError } from './errors.js';

/**
 * The byte view a device's shared state keeps its registers in: `byteLength` bytes of `buffer`
 * from `byteOffset`, read and written with `Atomics` so that every vCPU thread sees each
 * register whole.
 *
 * @throws {@link DeviceConfigError} when `buffer` is not shared memory or the bytes do not fit
 *   in it; `stateClass` names the state in the message.
 */
export function sharedByteRegisters(
  buffer: SharedArrayBuffer,
  byteOffset: number,
  byteLength: number,
  stateClass: string,
): Uint8Array {
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
  return new Uint8Array(buffer, byteOffset, byteLength);
}
