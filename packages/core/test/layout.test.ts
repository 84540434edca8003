import { describe, expect, it } from 'vitest';
import { aarch64Layout as arm, x86_64Layout as x86 } from '../src/index.js';

describe('aarch64 layout', () => {
  it('keeps the reference design values', () => {
    expect(arm.MMIO_START).toBe(0x0900_0000n);
    expect(arm.MMIO_LEN).toBe(0x2700_0000n);
    expect(arm.GIC_DISTRIBUTOR).toBe(0x3000_0000n);
    expect(arm.GIC_REDISTRIBUTOR).toBe(0x3001_0000n);
    expect(arm.GIC_MSI).toBe(0x3a00_0000n);
    expect(arm.RAM_BASE).toBe(0x4000_0000n);
    expect(arm.DTB_START).toBe(0x4400_0000n);
    expect(arm.INITRD_START).toBe(0x4420_0000n);
  });

  it('holds the relations the loader depends on', () => {
    expect(arm.RAM_BASE + arm.KERNEL_MAX).toBe(arm.DTB_START);
    expect(arm.KERNEL_MAX).toBe(64n << 20n);
    expect(arm.DTB_START + arm.DTB_MAX).toBe(arm.INITRD_START);
    expect(arm.MMIO_START + arm.MMIO_LEN).toBe(arm.GIC_DISTRIBUTOR);
    expect(arm.GIC_DISTRIBUTOR + arm.GIC_DISTRIBUTOR_SIZE).toBe(arm.GIC_REDISTRIBUTOR);
    expect(arm.GIC_MSI).toBeLessThan(arm.RAM_BASE);
  });
});

describe('x86_64 layout', () => {
  it('has a real, non-empty MMIO gap below 4 GiB holding the platform devices', () => {
    expect(x86.MMIO_GAP_SIZE).toBeGreaterThan(0n);
    expect(x86.MMIO_GAP_END).toBe(1n << 32n);
    for (const address of [
      x86.DEVICE_MMIO_START,
      x86.IOAPIC_START,
      x86.APIC_START,
      x86.KVM_TSS_START,
      x86.KVM_IDENTITY_MAP_START,
    ]) {
      expect(address).toBeGreaterThanOrEqual(x86.MMIO_GAP_START);
      expect(address).toBeLessThan(x86.MMIO_GAP_END);
    }
    expect(x86.HIGH_RAM_START).toBe(x86.MMIO_GAP_END);
  });

  it('keeps the boot structures apart and below the kernel', () => {
    const page = 0x1000n;
    const homes: [string, bigint, bigint][] = [
      ['gdt', x86.GDT_START, BigInt(x86.BOOT_GDT.length * 8)],
      ['zero page', x86.ZERO_PAGE_START, page],
      ['pml4', x86.PML4_START, page],
      ['pdpte', x86.PDPTE_START, page],
      ['pde', x86.PDE_START, BigInt(x86.PDE_TABLES) * page],
      ['cmdline', x86.CMDLINE_START, BigInt(x86.CMDLINE_MAX_SIZE)],
    ];
    const sorted = [...homes].sort((a, b) => (a[1] < b[1] ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      const [name, start, size] = sorted[i - 1]!;
      expect(start + size, `${name} overlaps ${sorted[i]![0]}`).toBeLessThanOrEqual(sorted[i]![1]);
    }
    expect(sorted.at(-1)![1] + sorted.at(-1)![2]).toBeLessThanOrEqual(x86.EBDA_START);
    expect(x86.BOOT_STACK_POINTER).toBeLessThan(x86.PML4_START);
    expect(x86.BOOT_STACK_POINTER).toBeGreaterThan(x86.ZERO_PAGE_START + page);
    expect(x86.KERNEL_START).toBe(0x10_0000n);
  });

  it('splits RAM around the MMIO gap', () => {
    expect(x86.ramRanges(512 << 20)).toEqual([{ guestAddress: 0n, size: 512 << 20 }]);
    const gap = Number(x86.MMIO_GAP_START);
    expect(x86.ramRanges(4 * 2 ** 30)).toEqual([
      { guestAddress: 0n, size: gap },
      { guestAddress: x86.HIGH_RAM_START, size: 4 * 2 ** 30 - gap },
    ]);
  });

  it('has a GDT whose selectors name 64-bit code and data descriptors', () => {
    const code = x86.BOOT_GDT[x86.BOOT_CODE_SELECTOR / 8]!;
    const data = x86.BOOT_GDT[x86.BOOT_DATA_SELECTOR / 8]!;
    expect((code >> 53n) & 1n).toBe(1n); // L: 64-bit code
    expect((code >> 43n) & 1n).toBe(1n); // executable
    expect((data >> 43n) & 1n).toBe(0n); // data
    expect((data >> 47n) & 1n).toBe(1n); // present
  });
});
