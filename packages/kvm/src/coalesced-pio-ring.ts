import type { IoExit } from '@vmm/core';
import {
  coalescedRingCapacity,
  KVM_COALESCED_MMIO_RING_LAYOUT as RING,
} from './bindings/kvm-coalesced-mmio.js';

/** Most bytes one ring entry carries (`data[8]`). */
const ENTRY_DATA_SIZE = 8;

/**
 * A VM's coalesced-writes ring, one page as a vCPU's mapping (or any view of that page) shows
 * it. KVM appends the guest's writes to registered zones at `last` without leaving the guest;
 * {@link CoalescedPioRing.next} takes them from `first` as the `out` exits they would have
 * been. Only one thread may consume a ring.
 */
export class CoalescedPioRing {
  readonly #view: DataView;
  readonly #bytes: Uint8Array;
  readonly #capacity: number;
  readonly #data = new Uint8Array(ENTRY_DATA_SIZE);

  /** Reads the ring in `page` (a whole page, `page.byteLength` its size). */
  constructor(page: ArrayBuffer) {
    this.#view = new DataView(page);
    this.#bytes = new Uint8Array(page);
    this.#capacity = coalescedRingCapacity(page.byteLength);
  }

  /** Whether KVM has appended writes not yet taken. */
  get pending(): boolean {
    return this.#view.getUint32(RING.first, true) !== this.#view.getUint32(RING.last, true);
  }

  /**
   * Takes the oldest buffered write, as an `out` exit whose data stays valid until the next
   * call; `undefined` when the ring is empty. Entries that are not port writes of 1, 2 or 4
   * bytes (none are registered) are skipped.
   */
  next(): IoExit | undefined {
    const view = this.#view;
    for (;;) {
      const first = view.getUint32(RING.first, true);
      if (first === view.getUint32(RING.last, true)) return undefined;
      const entry = RING.entries + (first % this.#capacity) * RING.entrySize;
      view.setUint32(RING.first, (first + 1) % this.#capacity, true);
      const size = view.getUint32(entry + RING.entryLength, true);
      if (view.getUint32(entry + RING.entryPio, true) !== 1) continue;
      if (size !== 1 && size !== 2 && size !== 4) continue;
      const start = entry + RING.entryData;
      this.#data.set(this.#bytes.subarray(start, start + size));
      return {
        kind: 'io',
        direction: 'out',
        port: view.getUint32(entry + RING.entryAddress, true) & 0xffff,
        size,
        count: 1,
        data: this.#data.subarray(0, size),
      };
    }
  }
}
