import type { PioDevice } from '@vmm/core';

/**
 * Base of devices whose registers are one byte wide, as every legacy ISA device is. A wider
 * access is split the way the bus splits it for an 8-bit device: byte `i` of the access goes to
 * register `offset + i`. Bytes past the device's last register read as 0xff (a floating bus)
 * and are dropped on write.
 */
export abstract class ByteRegisterDevice implements PioDevice {
  /** How many consecutive ports (one register each) the device answers. */
  abstract readonly portCount: number;

  /** Reads one register; returns its 8-bit value. */
  protected abstract readRegister(offset: number): number;

  /** Writes the 8-bit `value` to one register. */
  protected abstract writeRegister(offset: number, value: number): void;

  /** Handles a guest read of `data.length` bytes starting at register `offset`. */
  read(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const register = offset + i;
      data[i] = register < this.portCount ? this.readRegister(register) & 0xff : 0xff;
    }
  }

  /** Handles a guest write of `data` starting at register `offset`. */
  write(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const register = offset + i;
      if (register < this.portCount) this.writeRegister(register, data[i] ?? 0);
    }
  }
}
