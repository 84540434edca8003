import type { MmioDevice } from './device.js';
import { RangeMap, type Range } from './range-map.js';

/**
 * Guest physical addresses outside RAM mapped to devices. Addresses are `bigint` at the
 * interface, like every guest address in vmm; lookups use exact JS numbers inside.
 */
export class MmioBus {
  readonly #map = new RangeMap<MmioDevice>();

  /** Places `device` on `[address, address + size)`. Overlaps throw `BusConflictError`. */
  register(address: bigint, size: bigint, device: MmioDevice, label: string): void {
    this.#map.insert(Number(address), Number(size), device, label);
  }

  /** Reads `data.length` bytes at `address`; returns false (leaving `data` alone) if unclaimed. */
  read(address: bigint, data: Uint8Array): boolean {
    const at = Number(address);
    const range = this.#map.find(at);
    if (range === undefined) return false;
    range.value.read(at - range.start, data);
    return true;
  }

  /** Writes `data` at `address`; returns false if no device claims the address. */
  write(address: bigint, data: Uint8Array): boolean {
    const at = Number(address);
    const range = this.#map.find(at);
    if (range === undefined) return false;
    range.value.write(at - range.start, data);
    return true;
  }

  /** The registered ranges, sorted by address (as numbers). */
  entries(): readonly Range<MmioDevice>[] {
    return this.#map.entries();
  }
}
