import { describe, expect, it } from 'vitest';
import {
  GuestAddressSpaceError,
  VmmError,
  checkGuestAddressSpan,
  guestAddressBitsFor,
} from '../src/index.js';

describe('guestAddressBitsFor', () => {
  it('counts the bits of the last address below the span', () => {
    expect(guestAddressBitsFor(0n)).toBe(1);
    expect(guestAddressBitsFor(2n)).toBe(1);
    expect(guestAddressBitsFor(0x1_0000_0000n)).toBe(32);
    expect(guestAddressBitsFor(0x1_0000_0001n)).toBe(33);
    expect(guestAddressBitsFor(1n << 48n)).toBe(48);
    expect(guestAddressBitsFor((1n << 48n) + 0x1000n)).toBe(49);
  });
});

describe('checkGuestAddressSpan', () => {
  it('accepts a map that ends exactly at the limit, and no span at all', () => {
    expect(() => checkGuestAddressSpan(1n << 40n, 40, 'KVM')).not.toThrow();
    expect(() => checkGuestAddressSpan(undefined, 1, 'KVM')).not.toThrow();
  });

  it('refuses one page past the limit, saying how far it reaches and how far the guest can', () => {
    let error: unknown;
    try {
      checkGuestAddressSpan((1n << 48n) + 0x1000n, 48, "this host's KVM");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GuestAddressSpaceError);
    expect(error).toBeInstanceOf(VmmError);
    expect(error).toMatchObject({ span: (1n << 48n) + 0x1000n, limitBits: 48 });
    expect((error as Error).message).toBe(
      "the guest's memory map ends at 0x1000000001000 and needs 49-bit guest physical " +
        "addresses, but this host's KVM gives a guest 48 bits (addresses below 256 TiB)",
    );
  });

  it('names the address space in the largest unit that divides it', () => {
    const message = (bits: number): string =>
      new GuestAddressSpaceError(1n << 60n, bits, 'X').message;
    expect(message(36)).toMatch(/addresses below 64 GiB\)$/);
    expect(message(40)).toMatch(/addresses below 1 TiB\)$/);
    expect(message(52)).toMatch(/addresses below 4 PiB\)$/);
  });
});
