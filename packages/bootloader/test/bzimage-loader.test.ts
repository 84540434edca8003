import { x86_64Layout, type GuestMemory } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import {
  AcpiTableError,
  BzImageLoader,
  CommandLineTooLongError,
  e820Map,
  InitrdTooLargeError,
  KernelTooLargeError,
  loadBzImage,
} from '../src/index.js';
import { buildBzImage, BZIMAGE_FIXTURE_DEFAULTS, payloadByte } from '@vmm/test-support';
import { lowGuestRam, MiB } from './fixtures/guest-ram.js';

const ZERO_PAGE = x86_64Layout.ZERO_PAGE_START;
const CMDLINE = 'console=ttyS0 reboot=k panic=1';

/** A u32 (or u8/u16) of the zero page at `offset`. */
function zp(memory: GuestMemory, offset: number, size: 1 | 2 | 4 = 4): number {
  return memory.readUint(ZERO_PAGE + BigInt(offset), size);
}

/** An initrd of `size` bytes with a recognisable pattern. */
function initrdOf(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 13) & 0xff;
  return bytes;
}

/** Whether two byte arrays hold the same bytes (fast for MiB-sized arrays). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

describe('BzImageLoader', () => {
  const ramSize = 64 * MiB;
  const kernel = buildBzImage();
  const initrd = initrdOf(MiB + 123);

  function bootWithInitrd() {
    const memory = lowGuestRam(ramSize, 0xaa);
    const state = new BzImageLoader({ kernel, initrd, cmdline: CMDLINE }).load({
      memory,
      ramSize,
      vcpus: 1,
    });
    return { memory, state };
  }

  it('returns the long-mode boot state at the 64-bit entry', () => {
    const { state } = bootWithInitrd();
    expect(state).toEqual({
      mode: 'x86_64-long',
      entry: 0x10_0200n,
      bootParams: 0x7000n,
      pageTables: 0x9000n,
      gdtBase: 0x500n,
      gdtLimit: 31,
      stack: 0x8ff0n,
    });
  });

  it('copies the protected-mode kernel to 1 MiB', () => {
    const { memory } = bootWithInitrd();
    const loaded = memory.read(x86_64Layout.KERNEL_START, BZIMAGE_FIXTURE_DEFAULTS.payloadSize);
    const expected = Uint8Array.from({ length: BZIMAGE_FIXTURE_DEFAULTS.payloadSize }, (_, i) =>
      payloadByte(i),
    );
    expect(sameBytes(loaded, expected)).toBe(true);
  });

  it('writes the loader fields of the zero page', () => {
    const { memory } = bootWithInitrd();
    expect(zp(memory, 0x210, 1)).toBe(0xff);
    expect(zp(memory, 0x211, 1)).toBe(0x81);
    expect(zp(memory, 0x224, 2)).toBe(0xfe00);
    expect(zp(memory, 0x1fa, 2)).toBe(0xffff);
    expect(zp(memory, 0x228)).toBe(0x2_0000);
    expect(zp(memory, 0x0c8)).toBe(0);
    const cmdline = memory.read(x86_64Layout.CMDLINE_START, CMDLINE.length + 1);
    expect(new TextDecoder().decode(cmdline.subarray(0, CMDLINE.length))).toBe(CMDLINE);
    expect(cmdline[CMDLINE.length]).toBe(0);
  });

  it('copies the setup header into the zero page and zeroes the rest', () => {
    const { memory } = bootWithInitrd();
    const page = memory.read(ZERO_PAGE, 0x1000);
    const patched = new Set<number>();
    for (const [offset, size] of [
      [0x1fa, 2],
      [0x210, 2],
      [0x218, 8],
      [0x224, 2],
      [0x228, 4],
    ] as const) {
      for (let i = 0; i < size; i++) patched.add(offset + i);
    }
    for (let offset = 0x1f1; offset < 0x26c; offset++) {
      if (!patched.has(offset)) expect(page[offset], `offset ${offset}`).toBe(kernel[offset]);
    }
    expect(zp(memory, 0x202)).toBe(0x5372_6448);
    expect(zp(memory, 0x206, 2)).toBe(0x020f);
    expect(zp(memory, 0x260)).toBe(BZIMAGE_FIXTURE_DEFAULTS.initSize);
    expect(memory.readU64(ZERO_PAGE + 0x258n)).toBe(BZIMAGE_FIXTURE_DEFAULTS.prefAddress);
    expect(page.subarray(0, 0x70).every((byte) => byte === 0)).toBe(true);
    expect(page.subarray(0x78, 0xc0).every((byte) => byte === 0)).toBe(true);
    expect(page.subarray(0x26c, 0x2d0).every((byte) => byte === 0)).toBe(true);
    expect(page[0x1ef]).toBe(0);
  });

  it('places the initrd page aligned, as high as possible, above the kernel', () => {
    const { memory } = bootWithInitrd();
    const address = BigInt(zp(memory, 0x218));
    const size = zp(memory, 0x21c);
    expect(size).toBe(initrd.length);
    expect(zp(memory, 0x0c0)).toBe(0);
    expect(zp(memory, 0x0c4)).toBe(0);
    expect(address % 0x1000n).toBe(0n);
    expect(address + BigInt(size)).toBeLessThanOrEqual(BigInt(ramSize));
    expect(address + BigInt(size)).toBeGreaterThan(BigInt(ramSize - 0x1000));
    const kernelEnd =
      BZIMAGE_FIXTURE_DEFAULTS.prefAddress + BigInt(BZIMAGE_FIXTURE_DEFAULTS.initSize);
    expect(address).toBeGreaterThanOrEqual(kernelEnd);
    expect(sameBytes(memory.read(address, size), initrd)).toBe(true);
  });

  it("keeps the initrd below the kernel's initrd_addr_max", () => {
    const memory = lowGuestRam(ramSize);
    const limited = buildBzImage({ initrdAddrMax: 0x2ff_ffff });
    new BzImageLoader({ kernel: limited, initrd, cmdline: '' }).load({
      memory,
      ramSize,
      vcpus: 1,
    });
    const address = zp(memory, 0x218);
    expect(address + initrd.length).toBeLessThanOrEqual(0x300_0000);
    expect(address).toBe(Math.floor((0x300_0000 - initrd.length) / 0x1000) * 0x1000);
  });

  it('writes the e820 map into the zero page', () => {
    const { memory } = bootWithInitrd();
    const expected = e820Map(ramSize);
    expect(zp(memory, 0x1e8, 1)).toBe(expected.length);
    expect(expected.length).toBe(3);
    expected.forEach((entry, index) => {
      const at = ZERO_PAGE + BigInt(0x2d0 + index * 20);
      expect(memory.readU64(at)).toBe(entry.address);
      expect(memory.readU64(at + 8n)).toBe(BigInt(entry.size));
      expect(memory.readUint(at + 16n, 4)).toBe(entry.type);
    });
    expect(memory.readU64(ZERO_PAGE + 0x2d0n + 40n)).toBe(0x10_0000n);
    expect(memory.readU64(ZERO_PAGE + 0x2d0n + 48n)).toBe(BigInt(ramSize - MiB));
  });

  it('writes the ACPI tables and points acpi_rsdp_addr at the RSDP', () => {
    const memory = lowGuestRam(ramSize, 0xaa);
    new BzImageLoader({ kernel, cmdline: CMDLINE }).load({ memory, ramSize, vcpus: 4 });
    const rsdp = memory.readU64(ZERO_PAGE + 0x70n);
    expect(rsdp).toBe(0xe_0000n);
    expect(new TextDecoder().decode(memory.read(rsdp, 8))).toBe('RSD PTR ');
    const xsdt = memory.readU64(rsdp + 24n);
    const madt = memory.readU64(xsdt + 36n + 8n);
    expect(new TextDecoder().decode(memory.read(madt, 4))).toBe('APIC');
    const localApics = [0, 1, 2, 3].map((i) => memory.readUint(madt + 44n + BigInt(i * 8), 1));
    expect(localApics).toEqual([0, 0, 0, 0]);
    expect(memory.readUint(madt + 44n + 24n + 3n, 1)).toBe(3);
  });

  it('rejects more vCPUs than the MADT can describe', () => {
    const load = () =>
      new BzImageLoader({ kernel, cmdline: '' }).load({
        memory: lowGuestRam(ramSize),
        ramSize,
        vcpus: 300,
      });
    expect(load).toThrow(AcpiTableError);
  });

  it('writes the identity page tables and GDT for the long-mode entry', () => {
    const { memory } = bootWithInitrd();
    expect(memory.readU64(x86_64Layout.PML4_START)).toBe(0xa003n);
    expect(memory.readU64(x86_64Layout.GDT_START + 16n)).toBe(0x00af_9b00_0000_ffffn);
  });

  it('leaves the ramdisk fields zero without an initrd', () => {
    const memory = lowGuestRam(ramSize, 0xaa);
    new BzImageLoader({ kernel, cmdline: CMDLINE }).load({ memory, ramSize, vcpus: 1 });
    expect(zp(memory, 0x218)).toBe(0);
    expect(zp(memory, 0x21c)).toBe(0);
  });

  it('rejects a kernel whose init_size does not fit in RAM', () => {
    const memory = lowGuestRam(16 * MiB);
    const load = () =>
      new BzImageLoader({ kernel, cmdline: '' }).load({ memory, ramSize: 16 * MiB, vcpus: 1 });
    expect(load).toThrow(KernelTooLargeError);
    expect(load).toThrow(/up to 0x1400000.*give the VM at least 20 MiB/);
  });

  it('rejects a kernel image larger than RAM', () => {
    const big = buildBzImage({ payloadSize: 3 * MiB, initSize: 0, prefAddress: 0n });
    const load = () =>
      new BzImageLoader({ kernel: big, cmdline: '' }).load({
        memory: lowGuestRam(2 * MiB),
        ramSize: 2 * MiB,
        vcpus: 1,
      });
    expect(load).toThrow(KernelTooLargeError);
  });

  it('rejects an initrd that does not fit between the kernel and the top of RAM', () => {
    const memory = lowGuestRam(ramSize);
    const load = () =>
      new BzImageLoader({ kernel, initrd: new Uint8Array(50 * MiB), cmdline: '' }).load({
        memory,
        ramSize,
        vcpus: 1,
      });
    expect(load).toThrow(InitrdTooLargeError);
    expect(load).toThrow(/50\.0 MiB but only 44\.0 MiB/);
  });

  it("rejects a command line longer than the kernel's cmdline_size", () => {
    const short = buildBzImage({ cmdlineSize: 16 });
    expect(() => new BzImageLoader({ kernel: short, cmdline: 'x'.repeat(16) })).not.toThrow();
    const construct = () => new BzImageLoader({ kernel: short, cmdline: 'x'.repeat(17) });
    expect(construct).toThrow(CommandLineTooLongError);
    expect(construct).toThrow(
      /17 bytes but the kernel's setup header \(cmdline_size\) allows at most 16/,
    );
  });

  it('caps the command line at the layout when the kernel allows more', () => {
    const generous = buildBzImage({ cmdlineSize: 0x10_0000 });
    const construct = () =>
      new BzImageLoader({ kernel: generous, cmdline: 'x'.repeat(x86_64Layout.CMDLINE_MAX_SIZE) });
    expect(construct).toThrow(/CMDLINE_MAX_SIZE/);
  });

  it('exposes the parsed setup header', () => {
    expect(new BzImageLoader({ kernel, cmdline: '' }).header.version).toBe(0x020f);
  });
});

describe('loadBzImage', () => {
  it('runs a relocatable kernel at its aligned load address when pref_address is lower', () => {
    const kernel = buildBzImage({ prefAddress: 0n, kernelAlignment: 0x20_0000 });
    const result = loadBzImage(lowGuestRam(32 * MiB), kernel, 32 * MiB);
    expect(result.loadAddress).toBe(0x10_0000n);
    expect(result.entry).toBe(0x10_0200n);
    expect(result.runtimeStart).toBe(0x20_0000n);
    expect(result.end).toBe(0x20_0000n + BigInt(BZIMAGE_FIXTURE_DEFAULTS.initSize));
  });

  it('runs a relocatable kernel at pref_address when that is higher', () => {
    const result = loadBzImage(lowGuestRam(32 * MiB), buildBzImage(), 32 * MiB);
    expect(result.runtimeStart).toBe(0x100_0000n);
  });

  it('runs a non-relocatable kernel at pref_address', () => {
    const kernel = buildBzImage({ relocatable: false, prefAddress: 0x40_0000n });
    const result = loadBzImage(lowGuestRam(32 * MiB), kernel, 32 * MiB);
    expect(result.runtimeStart).toBe(0x40_0000n);
    expect(result.loadSize).toBe(BZIMAGE_FIXTURE_DEFAULTS.payloadSize);
  });

  it('counts the image itself when it ends above init_size', () => {
    const kernel = buildBzImage({ initSize: 0x1000, prefAddress: 0n, payloadSize: 2 * MiB });
    const result = loadBzImage(lowGuestRam(32 * MiB), kernel, 32 * MiB);
    expect(result.end).toBe(0x10_0000n + BigInt(2 * MiB));
  });
});
