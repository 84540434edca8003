import { VmmError } from './errors.js';
import { hex } from './hex.js';

/**
 * The number of guest physical address bits a VM needs so that every address below `span`
 * (the end of its memory map) is valid: the bit length of `span - 1`, at least 1.
 */
export function guestAddressBitsFor(span: bigint): number {
  if (span <= 1n) return 1;
  return (span - 1n).toString(2).length;
}

/** `2 ** bits` bytes in the largest binary unit that divides it (`256 TiB`, `1 GiB`). */
function addressSpaceSize(bits: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  const unit = Math.min(Math.floor(bits / 10), units.length - 1);
  return `${2n ** BigInt(bits - unit * 10)} ${units[unit]!}`;
}

/**
 * The hypervisor cannot give the guest a physical address space that reaches as far as the
 * VM's memory map (`VirtOptions.guestAddressSpan`): its RAM or a device would lie at addresses
 * the guest's CPU cannot form, or the hypervisor cannot map.
 */
export class GuestAddressSpaceError extends VmmError {
  /**
   * Creates the error for a memory map that ends at `span` on a hypervisor (`hypervisor`, e.g.
   * `"this host's KVM"`) whose guests have `limitBits` physical address bits.
   */
  constructor(
    /** Where the VM's memory map ends (one past its last address). */
    readonly span: bigint,
    /** The guest physical address bits the hypervisor gives. */
    readonly limitBits: number,
    hypervisor: string,
  ) {
    super(
      `the guest's memory map ends at ${hex(span)} and needs ${guestAddressBitsFor(span)}-bit ` +
        `guest physical addresses, but ${hypervisor} gives a guest ${limitBits} bits ` +
        `(addresses below ${addressSpaceSize(limitBits)})`,
    );
  }
}

/**
 * Throws {@link GuestAddressSpaceError} when `span` (if given) reaches past `limitBits` bits of
 * guest physical address.
 */
export function checkGuestAddressSpan(
  span: bigint | undefined,
  limitBits: number,
  hypervisor: string,
): void {
  if (span !== undefined && span > 1n << BigInt(limitBits)) {
    throw new GuestAddressSpaceError(span, limitBits, hypervisor);
  }
}
