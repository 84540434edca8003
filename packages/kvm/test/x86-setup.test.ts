import { x86_64Layout } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { cpuidForVcpu } from '../src/arch/x86_64/cpuid.js';
import { segmentFromDescriptor } from '../src/arch/x86_64/gdt-segment.js';
import {
  APIC_LVT_LINT0,
  APIC_LVT_LINT1,
  withDeliveryMode,
  wireLintPins,
} from '../src/arch/x86_64/local-apic.js';
import { KvmCpuid2 } from '../src/bindings/x86_64/kvm-cpuid2.js';
import { KvmLapicState } from '../src/bindings/x86_64/kvm-lapic-state.js';

describe('segmentFromDescriptor', () => {
  it('decodes the boot GDT code segment as flat 64-bit code', () => {
    const code = segmentFromDescriptor(x86_64Layout.BOOT_GDT[2]!, 0x10);
    expect(code).toEqual({
      base: 0n,
      limit: 0xffff_ffff,
      selector: 0x10,
      type: 0xb,
      present: 1,
      dpl: 0,
      db: 0,
      s: 1,
      l: 1,
      g: 1,
      avl: 0,
      unusable: 0,
    });
  });

  it('decodes the boot GDT data segment as flat 32-bit read/write data', () => {
    const data = segmentFromDescriptor(x86_64Layout.BOOT_GDT[3]!, 0x18);
    expect(data).toMatchObject({ base: 0n, limit: 0xffff_ffff, type: 0x3, db: 1, g: 1, l: 0 });
  });

  it('reassembles split base and byte-granular limits, and marks absent segments unusable', () => {
    // base 0x12345678, limit 0x0abcd (byte granular), type 0x2, not present
    const segment = segmentFromDescriptor(0x1200_0234_5678_abcdn, 0x8);
    expect(segment).toMatchObject({ base: 0x1234_5678n, limit: 0xabcd, present: 0, unusable: 1 });
  });
});

describe('cpuidForVcpu', () => {
  it('puts the vCPU id in leaf 1 EBX[31:24] and leaf 0xB/0x1F EDX, and sets the hypervisor bit', () => {
    const supported = new KvmCpuid2(4);
    const leaf = (fn: number, index = 0) => ({
      function: fn,
      index,
      flags: 0,
      eax: 0,
      ebx: 0xaa12_3456,
      ecx: 0x0000_0001,
      edx: 0x77,
    });
    supported.setEntry(0, leaf(0x1));
    supported.setEntry(1, leaf(0xb, 1));
    supported.setEntry(2, leaf(0x1f));
    supported.setEntry(3, leaf(0x7));
    const [features, topology, topologyV2, other] = cpuidForVcpu(supported, 3, {
      tscDeadlineTimer: false,
    }).entries();
    expect(features).toMatchObject({ ebx: 0x0312_3456, ecx: 0x8000_0001, edx: 0x77 });
    expect(topology).toMatchObject({ edx: 3, ebx: 0xaa12_3456 });
    expect(topologyV2).toMatchObject({ edx: 3 });
    expect(other).toEqual(leaf(0x7));
  });

  it('advertises the TSC-deadline timer (leaf 1 ECX bit 24) only when asked', () => {
    const supported = () => {
      const table = new KvmCpuid2(1);
      table.setEntry(0, { function: 0x1, index: 0, flags: 0, eax: 0, ebx: 0, ecx: 0, edx: 0 });
      return table;
    };
    const ecx = (tscDeadlineTimer: boolean) =>
      cpuidForVcpu(supported(), 0, { tscDeadlineTimer }).entry(0).ecx >>> 0;
    expect(ecx(true)).toBe(0x8100_0000);
    expect(ecx(false)).toBe(0x8000_0000);
  });
});

describe('local APIC LINT wiring', () => {
  it('sets LINT0 to ExtINT and LINT1 to NMI, keeping the other LVT bits', () => {
    expect(withDeliveryMode(0x0001_0700, 0x4)).toBe(0x0001_0400);
    const lapic = new KvmLapicState();
    lapic.setRegister(APIC_LVT_LINT0, 0x0001_0000);
    lapic.setRegister(APIC_LVT_LINT1, 0x0001_0000);
    wireLintPins(lapic);
    expect(lapic.getRegister(APIC_LVT_LINT0)).toBe(0x0001_0700);
    expect(lapic.getRegister(APIC_LVT_LINT1)).toBe(0x0001_0400);
  });
});
