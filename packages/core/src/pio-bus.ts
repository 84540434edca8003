import type { PioDevice } from './device.js';
import { RangeMap, type Range } from './range-map.js';

/**
 * The x86 port I/O space (ports 0..0xffff) mapped to devices. A vCPU thread dispatches each
 * `in`/`out` exit through it; unclaimed ports are reported back so the caller can answer
 * them the way real hardware does (reads float high, writes vanish).
 */
export class PioBus {
  readonly #map = new RangeMap<PioDevice>();

  /** Places `device` on ports `[port, port + count)`. Overlaps throw `BusConflictError`. */
  register(port: number, count: number, device: PioDevice, label: string): void {
    if (port + count > 0x1_0000) throw new RangeError(`${label}: ports end past 0xffff`);
    this.#map.insert(port, count, device, label);
  }

  /** Reads `data.length` bytes from `port`; returns false (leaving `data` alone) if unclaimed. */
  read(port: number, data: Uint8Array): boolean {
    const range = this.#map.find(port);
    if (range === undefined) return false;
    range.value.read(port - range.start, data);
    return true;
  }

  /** Writes `data` to `port`; returns false if no device claims the port. */
  write(port: number, data: Uint8Array): boolean {
    const range = this.#map.find(port);
    if (range === undefined) return false;
    range.value.write(port - range.start, data);
    return true;
  }

  /**
   * Writes `data` to `port` as `data.length / size` accesses of `size` bytes, oldest first
   * (string I/O, or writes the hypervisor buffered): in one call when the device takes the
   * run ({@link PioDevice.writeRepeated}), else one `write` per access. Returns false if no
   * device claims the port.
   */
  writeRepeated(port: number, size: 1 | 2 | 4, data: Uint8Array): boolean {
    const range = this.#map.find(port);
    if (range === undefined) return false;
    const device = range.value;
    const offset = port - range.start;
    if (device.writeRepeated?.(offset, size, data) === true) return true;
    for (let at = 0; at < data.length; at += size)
      device.write(offset, data.subarray(at, at + size));
    return true;
  }

  /** The registered ranges, sorted by port. */
  entries(): readonly Range<PioDevice>[] {
    return this.#map.entries();
  }
}
