import { x86_64Layout } from '@vmm/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestVm,
  hasKvm,
  longModeBootState,
  warnIfNoKvm,
  writeLongModeTables,
  type TestVm,
} from './kvm-host.js';

warnIfNoKvm('long-mode guest tests');

const TWO_MIB = 0x20_0000;

describe.skipIf(!hasKvm)('64-bit long-mode guests', () => {
  let vm: TestVm | undefined;
  afterEach(() => vm?.virt.close());

  it('starts in 64-bit mode with paging, rsi = boot params and the stack set up', () => {
    vm = createTestVm({
      ramSize: TWO_MIB,
      codeAddress: 0x1000,
      code: [
        ...[0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11], // mov rax, 0x1122334455667788
        ...[0x48, 0x89, 0x04, 0x25, 0x00, 0x30, 0x00, 0x00], // mov [0x3000], rax
        ...[0x48, 0x89, 0x34, 0x25, 0x08, 0x30, 0x00, 0x00], // mov [0x3008], rsi
        0x50, //                                            push rax
        ...[0x48, 0xc1, 0xe8, 0x20], //                     shr rax, 32
        ...[0xe7, 0x80], //                                 out 0x80, eax
        0xf4, //                                            hlt
      ],
    });
    writeLongModeTables(vm.ramView);
    vm.vcpu.setBootState(longModeBootState(0x1000n));
    expect(vm.vcpu.describeRegisters()).toBe(
      'rip=0x1000 rsp=0x8ff0 rflags=0x2 cr0=0x80000011 cr3=0x9000 cr4=0x20 efer=0x500 cs=0x10',
    );

    const out = vm.vcpu.run();
    expect(out).toMatchObject({ kind: 'io', direction: 'out', port: 0x80, size: 4, count: 1 });
    expect(out.kind === 'io' && [...out.data]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(vm.vcpu.run()).toEqual({ kind: 'hlt' });
    expect(vm.ramView.getBigUint64(0x3000, true)).toBe(0x1122_3344_5566_7788n);
    expect(vm.ramView.getBigUint64(0x3008, true)).toBe(x86_64Layout.ZERO_PAGE_START);
    const pushed = Number(x86_64Layout.BOOT_STACK_POINTER) - 8;
    expect(vm.ramView.getBigUint64(pushed, true)).toBe(0x1122_3344_5566_7788n);

    const regs = vm.vcpu.getRegs();
    expect(regs.get('rsp')).toBe(BigInt(pushed));
    const sregs = vm.vcpu.getSregs();
    expect(sregs.getSegment('cs')).toMatchObject({ selector: 0x10, l: 1, db: 0, type: 0xb });
    expect(sregs.getSegment('ss')).toMatchObject({ selector: 0x18, db: 1, type: 0x3 });
    expect(sregs.getTable('gdt')).toEqual({ base: x86_64Layout.GDT_START, limit: 31 });
  });

  it('triple-faults into a shutdown exit on an exception with the empty boot IDT', () => {
    vm = createTestVm({ ramSize: TWO_MIB, codeAddress: 0x1000, code: [0x0f, 0x0b] }); // ud2
    writeLongModeTables(vm.ramView);
    vm.vcpu.setBootState(longModeBootState(0x1000n));
    expect(vm.vcpu.run()).toEqual({ kind: 'shutdown' });
  });
});
