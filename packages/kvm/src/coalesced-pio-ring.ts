import type { IoExit } from '@vmm/core';
import {
  coalescedRingCapacity,
  KVM_COALESCED_MMIO_RING_LAYOUT as RING,
} from './bindings/kvm-coalesced-mmio.js';

/** The widest port write (`outl`), the most bytes of a ring entry `next` takes. */
const MAX_WRITE_SIZE = 4;

/**
 * A VM's coalesced-writes ring, one page as a vCPU's mapping (or any view of that page) shows
 * it. KVM appends the guest's writes to registered zones at `last` without leaving the guest;
 * {@link CoalescedPioRing.next} takes them from `first` as the `out` exits they would have
 * been, consecutive writes of one size to one port together. Only one thread may consume a
 * ring.
 */
export class CoalescedPioRing {
  readonly #view: DataView;
  readonly #bytes: Uint8Array;
  readonly #capacity: number;
  /** The bytes of the run `next` hands out: at most a full ring of the widest writes. */
  readonly #data: Uint8Array;

  /** Reads the ring in `page` (a whole page, `page.byteLength` its size). */
  constructor(page: ArrayBuffer) {
    this.#view = new DataView(page);
    this.#bytes = new Uint8Array(page);
    this.#capacity = coalescedRingCapacity(page.byteLength);
    this.#data = new Uint8Array(this.#capacity * MAX_WRITE_SIZE);
  }

  /** Whether KVM has appended writes not yet taken. */
  get pending(): boolean {
    return this.#view.getUint32(RING.first, true) !== this.#view.getUint32(RING.last, true);
  }

  /**
   * Takes the oldest buffered write and every write after it of the same size to the same
   * port, as one `out` exit (with `count` of them, as string I/O reports its accesses) whose
   * data stays valid until the next call; `undefined` when the ring is empty. Entries that
   * are not port writes of 1, 2 or 4 bytes (none are registered) are skipped.
   */
  next(): IoExit | undefined {
    const view = this.#view;
    const capacity = this.#capacity;
    const last = view.getUint32(RING.last, true);
    let first = view.getUint32(RING.first, true);
    let port = -1;
    let size = 0;
    let count = 0;
    while (first !== last) {
      const entry = RING.entries + (first % capacity) * RING.entrySize;
      const entrySize = view.getUint32(entry + RING.entryLength, true);
      const isWrite = view.getUint32(entry + RING.entryPio, true) === 1 && isWriteSize(entrySize);
      const entryPort = view.getUint32(entry + RING.entryAddress, true) & 0xffff;
      if (count > 0 && (!isWrite || entryPort !== port || entrySize !== size)) break;
      first = (first + 1) % capacity;
      if (!isWrite) continue;
      port = entryPort;
      size = entrySize;
      const start = entry + RING.entryData;
      this.#data.set(this.#bytes.subarray(start, start + size), count * size);
      count++;
    }
    view.setUint32(RING.first, first, true);
    if (count === 0) return undefined;
    return {
      kind: 'io',
      direction: 'out',
      port,
      size: size as 1 | 2 | 4,
      count,
      data: this.#data.subarray(0, count * size),
    };
  }
}

/** Whether `size` is the width of a port write (1, 2 or 4 bytes). */
function isWriteSize(size: number): boolean {
  return size === 1 || size === 2 || size === 4;
}
