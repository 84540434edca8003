import type { InterruptLine, PioDevice } from '@vmm/core';

/** Reads one byte at `offset` of `device`, as a guest `inb` would. */
export function inb(device: PioDevice, offset: number): number {
  const data = new Uint8Array(1);
  device.read(offset, data);
  return data[0] ?? -1;
}

/** Writes one byte at `offset` of `device`, as a guest `outb` would. */
export function outb(device: PioDevice, offset: number, value: number): void {
  device.write(offset, Uint8Array.of(value));
}

/** An interrupt line that counts pulses and records level changes. */
export class CountingLine implements InterruptLine {
  /** How many times {@link pulse} was called. */
  pulses = 0;
  /** Every level set through {@link setLevel}, in order. */
  readonly levels: boolean[] = [];

  /** Records the level. */
  setLevel(asserted: boolean): void {
    this.levels.push(asserted);
  }

  /** Counts the pulse. */
  pulse(): void {
    this.pulses++;
  }
}
