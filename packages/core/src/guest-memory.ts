import { GuestMemoryError } from './errors.js';

/** One contiguous run of guest RAM, backed by host memory the hypervisor maps into the guest. */
export interface GuestMemoryRegion {
  /** Guest physical address of the first byte. */
  readonly guestAddress: bigint;
  /** The host bytes behind the region; its length is the region's size. */
  readonly bytes: Uint8Array;
}

/**
 * Guest RAM as the VMM sees it: a set of non-overlapping regions with bounds-checked access
 * at guest physical addresses. Everything a guest can steer (DMA addresses, virtqueue
 * descriptors, boot structures) goes through here, so a hostile address becomes a
 * {@link GuestMemoryError} and never a read outside the region.
 */
export class GuestMemory {
  readonly #regions: readonly GuestMemoryRegion[];

  /** Wraps `regions`; they must not overlap. */
  constructor(regions: readonly GuestMemoryRegion[]) {
    const sorted = [...regions].sort((a, b) => (a.guestAddress < b.guestAddress ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!;
      const end = previous.guestAddress + BigInt(previous.bytes.length);
      if (end > sorted[i]!.guestAddress) {
        throw new RangeError('guest memory regions overlap');
      }
    }
    this.#regions = sorted;
  }

  /** The regions, sorted by guest address. */
  get regions(): readonly GuestMemoryRegion[] {
    return this.#regions;
  }

  /** Total bytes of RAM over all regions. */
  get size(): number {
    return this.#regions.reduce((sum, region) => sum + region.bytes.length, 0);
  }

  /** Whether `[address, address + length)` lies entirely inside one region. */
  contains(address: bigint, length: number): boolean {
    return this.#locate(address, length) !== undefined;
  }

  /**
   * A view (no copy) of `length` bytes at `address`; writes to it reach the guest.
   * Throws {@link GuestMemoryError} if the range is not wholly inside one region.
   */
  slice(address: bigint, length: number): Uint8Array {
    const found = this.#locate(address, length);
    if (found === undefined) throw new GuestMemoryError(address, length);
    return found.region.bytes.subarray(found.offset, found.offset + length);
  }

  /** Copies `data` into guest memory at `address`. */
  write(address: bigint, data: Uint8Array): void {
    this.slice(address, data.length).set(data);
  }

  /** Copies `length` bytes out of guest memory at `address`. */
  read(address: bigint, length: number): Uint8Array {
    return Uint8Array.from(this.slice(address, length));
  }

  /** Reads a little-endian unsigned 8/16/32-bit value. */
  readUint(address: bigint, size: 1 | 2 | 4): number {
    const view = this.#dataView(address, size);
    return size === 1
      ? view.getUint8(0)
      : size === 2
        ? view.getUint16(0, true)
        : view.getUint32(0, true);
  }

  /** Writes a little-endian unsigned 8/16/32-bit value. */
  writeUint(address: bigint, size: 1 | 2 | 4, value: number): void {
    const view = this.#dataView(address, size);
    if (size === 1) view.setUint8(0, value);
    else if (size === 2) view.setUint16(0, value, true);
    else view.setUint32(0, value, true);
  }

  /** Reads a little-endian 64-bit value. */
  readU64(address: bigint): bigint {
    return this.#dataView(address, 8).getBigUint64(0, true);
  }

  /** Writes a little-endian 64-bit value. */
  writeU64(address: bigint, value: bigint): void {
    this.#dataView(address, 8).setBigUint64(0, value, true);
  }

  #dataView(address: bigint, length: number): DataView {
    const bytes = this.slice(address, length);
    return new DataView(bytes.buffer, bytes.byteOffset, length);
  }

  #locate(
    address: bigint,
    length: number,
  ): { region: GuestMemoryRegion; offset: number } | undefined {
    if (address < 0n || length < 0 || !Number.isInteger(length)) return undefined;
    for (const region of this.#regions) {
      if (address < region.guestAddress) return undefined;
      const offset = address - region.guestAddress;
      if (offset + BigInt(length) <= BigInt(region.bytes.length)) {
        return { region, offset: Number(offset) };
      }
    }
    return undefined;
  }
}
