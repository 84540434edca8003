import { describe, expect, it } from 'vitest';
import { _IO, _IOR, _IOW, _IOWR } from '../src/bindings/ioctl-encoding.js';
import * as ioctls from '../src/bindings/ioctl-numbers.js';
import { KVM_IRQ_LEVEL_LAYOUT, KvmIrqLevel } from '../src/bindings/kvm-irq-level.js';
import { KVM_RUN_LAYOUT } from '../src/bindings/kvm-run.js';
import { KVM_SIGNAL_MASK_LAYOUT } from '../src/bindings/kvm-signal-mask.js';
import {
  KVM_USERSPACE_MEMORY_REGION_LAYOUT,
  encodeUserspaceMemoryRegion,
} from '../src/bindings/kvm-userspace-memory-region.js';
import {
  KVM_CPUID2_LAYOUT,
  KVM_CPUID_ENTRY2_LAYOUT,
  KvmCpuid2,
} from '../src/bindings/x86_64/kvm-cpuid2.js';
import { KVM_FPU_LAYOUT, KvmFpu } from '../src/bindings/x86_64/kvm-fpu.js';
import { KVM_LAPIC_STATE_LAYOUT } from '../src/bindings/x86_64/kvm-lapic-state.js';
import {
  KVM_MSRS_LAYOUT,
  KVM_MSR_ENTRY_LAYOUT,
  encodeKvmMsrs,
} from '../src/bindings/x86_64/kvm-msrs.js';
import {
  KVM_PIT_CONFIG_LAYOUT,
  encodeKvmPitConfig,
} from '../src/bindings/x86_64/kvm-pit-config.js';
import { KVM_REGS_LAYOUT, KvmRegs } from '../src/bindings/x86_64/kvm-regs.js';
import {
  KVM_DTABLE_LAYOUT,
  KVM_SEGMENT_LAYOUT,
  KVM_SREGS_LAYOUT,
  KvmSregs,
  type KvmSegment,
} from '../src/bindings/x86_64/kvm-sregs.js';

// Values as `printf("%lx", KVM_...)` prints them with <linux/kvm.h> (Linux 6.1 UAPI, x86_64).
const LINUX_IOCTL_NUMBERS: Record<string, number> = {
  KVM_GET_API_VERSION: 0xae00,
  KVM_CREATE_VM: 0xae01,
  KVM_CHECK_EXTENSION: 0xae03,
  KVM_GET_VCPU_MMAP_SIZE: 0xae04,
  KVM_GET_SUPPORTED_CPUID: 0xc008ae05,
  KVM_CREATE_VCPU: 0xae41,
  KVM_SET_USER_MEMORY_REGION: 0x4020ae46,
  KVM_SET_TSS_ADDR: 0xae47,
  KVM_SET_IDENTITY_MAP_ADDR: 0x4008ae48,
  KVM_CREATE_IRQCHIP: 0xae60,
  KVM_IRQ_LINE: 0x4008ae61,
  KVM_REGISTER_COALESCED_MMIO: 0x4010ae67,
  KVM_UNREGISTER_COALESCED_MMIO: 0x4010ae68,
  KVM_CREATE_PIT2: 0x4040ae77,
  KVM_RUN: 0xae80,
  KVM_GET_REGS: 0x8090ae81,
  KVM_SET_REGS: 0x4090ae82,
  KVM_GET_SREGS: 0x8138ae83,
  KVM_SET_SREGS: 0x4138ae84,
  KVM_SET_MSRS: 0x4008ae89,
  KVM_SET_SIGNAL_MASK: 0x4004ae8b,
  KVM_SET_FPU: 0x41a0ae8d,
  KVM_GET_LAPIC: 0x8400ae8e,
  KVM_SET_LAPIC: 0x4400ae8f,
  KVM_SET_CPUID2: 0x4008ae90,
  KVM_GET_ONE_REG: 0x4010aeab,
  KVM_SET_ONE_REG: 0x4010aeac,
  KVM_CREATE_DEVICE: 0xc00caee0,
  KVM_SET_DEVICE_ATTR: 0x4018aee1,
  KVM_HAS_DEVICE_ATTR: 0x4018aee3,
};

describe('ioctl numbers', () => {
  it('encode direction, size, type and number like <asm-generic/ioctl.h>', () => {
    expect(_IO(0xae, 0x80)).toBe(0xae80);
    expect(_IOR(0xae, 0x81, 144)).toBe(0x8090ae81);
    expect(_IOW(0xae, 0x46, 32)).toBe(0x4020ae46);
    expect(_IOWR(0xae, 0x05, 8)).toBe(0xc008ae05);
    expect(() => _IOW(0xae, 0, 1 << 14)).toThrow(RangeError);
  });

  it('match the Linux headers, one by one', () => {
    const computed = Object.fromEntries(
      Object.entries(ioctls).filter(([name]) => name !== 'KVMIO'),
    );
    expect(computed).toEqual(LINUX_IOCTL_NUMBERS);
    expect(ioctls.KVMIO).toBe(0xae);
  });
});

describe('struct layouts (sizes and offsets from <linux/kvm.h>, x86_64)', () => {
  it('kvm_run: header and the exit union members', () => {
    expect(KVM_RUN_LAYOUT.immediateExit).toBe(1);
    expect(KVM_RUN_LAYOUT.exitReason).toBe(8);
    expect(KVM_RUN_LAYOUT.io).toEqual({
      direction: 32,
      size: 33,
      port: 34,
      count: 36,
      dataOffset: 40,
    });
    expect(KVM_RUN_LAYOUT.mmio).toEqual({ physAddr: 32, data: 40, len: 48, isWrite: 52 });
    expect(KVM_RUN_LAYOUT.internal).toEqual({ suberror: 32, ndata: 36, data: 40, dataWords: 16 });
    expect(KVM_RUN_LAYOUT.failEntry).toEqual({ hardwareEntryFailureReason: 32, cpu: 40 });
    expect(KVM_RUN_LAYOUT.systemEvent).toEqual({ type: 32, ndata: 36, data: 40 });
  });

  it('kvm_regs: 18 u64 registers, rip at 128 and rflags at 136', () => {
    expect(KVM_REGS_LAYOUT.size).toBe(144);
    expect(KVM_REGS_LAYOUT.rsi).toBe(32);
    expect(KVM_REGS_LAYOUT.rsp).toBe(48);
    expect(KVM_REGS_LAYOUT.rbp).toBe(56);
    expect(KVM_REGS_LAYOUT.r8).toBe(64);
    expect(KVM_REGS_LAYOUT.rip).toBe(128);
    expect(KVM_REGS_LAYOUT.rflags).toBe(136);
  });

  it('kvm_sregs, kvm_segment and kvm_dtable', () => {
    expect(KVM_SREGS_LAYOUT.size).toBe(312);
    expect(KVM_SEGMENT_LAYOUT.size).toBe(24);
    expect(KVM_DTABLE_LAYOUT.size).toBe(16);
    const { cs, ds, es, fs, gs, ss, tr, ldt, gdt, idt } = KVM_SREGS_LAYOUT;
    expect([cs, ds, es, fs, gs, ss, tr, ldt]).toEqual([0, 24, 48, 72, 96, 120, 144, 168]);
    expect([gdt, idt]).toEqual([192, 208]);
    const { cr0, cr2, cr3, cr4, cr8, efer, apicBase, interruptBitmap } = KVM_SREGS_LAYOUT;
    expect([cr0, cr2, cr3, cr4, cr8, efer, apicBase, interruptBitmap]).toEqual([
      224, 232, 240, 248, 256, 264, 272, 280,
    ]);
    const { base, limit, selector, type, present, dpl, db, s, l, g, avl, unusable } =
      KVM_SEGMENT_LAYOUT;
    expect([base, limit, selector, type, present, dpl, db, s, l, g, avl, unusable]).toEqual([
      0, 8, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22,
    ]);
    expect([KVM_DTABLE_LAYOUT.base, KVM_DTABLE_LAYOUT.limit]).toEqual([0, 8]);
  });

  it('the remaining structs', () => {
    expect(KVM_USERSPACE_MEMORY_REGION_LAYOUT).toEqual({
      size: 32,
      slot: 0,
      flags: 4,
      guestPhysAddr: 8,
      memorySize: 16,
      userspaceAddr: 24,
    });
    expect(KVM_CPUID2_LAYOUT).toEqual({ size: 8, nent: 0, entries: 8 });
    expect(KVM_CPUID_ENTRY2_LAYOUT).toEqual({
      size: 40,
      function: 0,
      index: 4,
      flags: 8,
      eax: 12,
      ebx: 16,
      ecx: 20,
      edx: 24,
    });
    expect(KVM_PIT_CONFIG_LAYOUT).toEqual({ size: 64, flags: 0 });
    expect(KVM_IRQ_LEVEL_LAYOUT).toEqual({ size: 8, irq: 0, level: 4 });
    expect(KVM_FPU_LAYOUT).toMatchObject({ size: 416, fcw: 128, xmm: 152, mxcsr: 408 });
    expect(KVM_MSRS_LAYOUT).toEqual({ size: 8, nmsrs: 0, entries: 8 });
    expect(KVM_MSR_ENTRY_LAYOUT).toEqual({ size: 16, index: 0, data: 8 });
    expect(KVM_LAPIC_STATE_LAYOUT.size).toBe(1024);
    expect(KVM_SIGNAL_MASK_LAYOUT).toEqual({ size: 4, len: 0, sigset: 4, kernelSigsetSize: 8 });
  });
});

describe('struct encoders', () => {
  it('kvm_regs round-trips registers at their offsets', () => {
    const regs = new KvmRegs();
    regs.set('rip', 0xffff_ffff_8100_0000n);
    regs.set('rflags', 2n);
    expect(regs.get('rip')).toBe(0xffff_ffff_8100_0000n);
    expect(new DataView(regs.bytes.buffer).getBigUint64(136, true)).toBe(2n);
  });

  it('kvm_sregs round-trips segments, tables and control registers', () => {
    const sregs = new KvmSregs();
    const segment: KvmSegment = {
      base: 0x1234_5678n,
      limit: 0xffff_ffff,
      selector: 0x10,
      type: 0xb,
      present: 1,
      dpl: 3,
      db: 0,
      s: 1,
      l: 1,
      g: 1,
      avl: 1,
      unusable: 0,
    };
    sregs.setSegment('ss', segment);
    expect(sregs.getSegment('ss')).toEqual(segment);
    expect(sregs.bytes[KVM_SREGS_LAYOUT.ss + KVM_SEGMENT_LAYOUT.type]).toBe(0xb);
    sregs.setTable('gdt', { base: 0x500n, limit: 31 });
    expect(sregs.getTable('gdt')).toEqual({ base: 0x500n, limit: 31 });
    sregs.set('efer', 0x500n);
    expect(new DataView(sregs.bytes.buffer).getBigUint64(264, true)).toBe(0x500n);
  });

  it('kvm_cpuid2 keeps count within capacity and entries at 40-byte strides', () => {
    const cpuid = new KvmCpuid2(2);
    expect(cpuid.bytes.length).toBe(8 + 2 * 40);
    const entry = { function: 1, index: 0, flags: 0, eax: 1, ebx: 2, ecx: 0x8000_0000, edx: 4 };
    cpuid.setEntry(1, entry);
    expect(cpuid.entry(1)).toEqual(entry);
    expect(new DataView(cpuid.bytes.buffer).getUint32(8 + 40 + 20, true)).toBe(0x8000_0000);
    cpuid.count = 2;
    const copy = cpuid.clone();
    expect(copy.entries()).toEqual(cpuid.entries());
    expect(() => (cpuid.count = 3)).toThrow(RangeError);
    expect(() => cpuid.entry(2)).toThrow(RangeError);
  });

  it('encodes kvm_msrs, kvm_fpu, kvm_pit_config, kvm_irq_level and the memory region', () => {
    const msrs = new DataView(encodeKvmMsrs([{ index: 0x1a0, data: 1n }]).buffer);
    expect([msrs.byteLength, msrs.getUint32(0, true)]).toEqual([24, 1]);
    expect([msrs.getUint32(8, true), msrs.getBigUint64(16, true)]).toEqual([0x1a0, 1n]);

    const fpu = new KvmFpu();
    fpu.fcw = 0x37f;
    fpu.mxcsr = 0x1f80;
    const fpuView = new DataView(fpu.bytes.buffer);
    expect([fpuView.getUint16(128, true), fpuView.getUint32(408, true)]).toEqual([0x37f, 0x1f80]);

    expect([...encodeKvmPitConfig(1).subarray(0, 4)]).toEqual([1, 0, 0, 0]);

    const level = new KvmIrqLevel();
    level.set(4, true);
    expect([...level.bytes]).toEqual([4, 0, 0, 0, 1, 0, 0, 0]);

    const region = new DataView(
      encodeUserspaceMemoryRegion({
        slot: 2,
        flags: 0,
        guestPhysAddr: 0x1_0000_0000n,
        memorySize: 0x20_0000,
        userspaceAddr: 0x7f00_0000_0000n,
      }).buffer,
    );
    expect(region.getUint32(0, true)).toBe(2);
    expect(region.getBigUint64(8, true)).toBe(0x1_0000_0000n);
    expect(region.getBigUint64(16, true)).toBe(0x20_0000n);
    expect(region.getBigUint64(24, true)).toBe(0x7f00_0000_0000n);
  });
});
