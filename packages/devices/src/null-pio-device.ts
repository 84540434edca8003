import type { PioDevice } from '@vmm/core';

/**
 * "Nothing here": the answer of a port no device decodes. Reads float high (every byte 0xff)
 * and writes vanish, as on a PC's ISA bus. A machine uses it for unclaimed ports and for ports
 * a guest pokes without needing an answer (POST code 0x80, DMA page registers, ...). It is
 * stateless, so one instance may serve any number of ranges.
 */
export class NullPioDevice implements PioDevice {
  /** Fills `data` with 0xff. */
  read(_offset: number, data: Uint8Array): void {
    data.fill(0xff);
  }

  /** Ignores the write. */
  write(_offset: number, _data: Uint8Array): void {}
}
