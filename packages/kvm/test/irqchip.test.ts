import { interruptLine, x86_64Layout } from '@vmm/core';
import { afterEach, describe, expect, it } from 'vitest';
import { APIC_LVT_LINT0, APIC_LVT_LINT1 } from '../src/arch/x86_64/local-apic.js';
import { KvmError } from '../src/index.js';
import {
  createTestVm,
  hasKvm,
  longModeBootState,
  warnIfNoKvm,
  writeLongModeTables,
  type TestVm,
} from './kvm-host.js';

warnIfNoKvm('in-kernel irqchip tests');

/** LVT bits 10:8, the delivery mode. */
const deliveryMode = (lvt: number) => (lvt >> 8) & 0x7;

describe.skipIf(!hasKvm)('in-kernel irqchip', () => {
  let vm: TestVm | undefined;
  afterEach(() => vm?.virt.close());

  it('raises and lowers lines with KVM_IRQ_LINE and wires the vCPU LINT pins', () => {
    vm = createTestVm({
      ramSize: 0x20_0000,
      codeAddress: 0x1000,
      code: [0x0f, 0x0b],
      irqChip: true,
    });
    vm.virt.interrupts.setLevel(x86_64Layout.COM1_IRQ, true);
    vm.virt.interrupts.setLevel(x86_64Layout.COM1_IRQ, false);
    interruptLine(vm.virt.interrupts, 1).pulse();

    const lapic = vm.vcpu.getLapic();
    expect(deliveryMode(lapic.getRegister(APIC_LVT_LINT0))).toBe(0x7); // ExtINT
    expect(deliveryMode(lapic.getRegister(APIC_LVT_LINT1))).toBe(0x4); // NMI
  });

  it('refuses a second irqchip, naming the ioctl and EEXIST', () => {
    vm = createTestVm({ ramSize: 0x1000, codeAddress: 0, code: [], irqChip: true });
    const error = (() => {
      try {
        vm.virt.createIrqChip();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KvmError);
    expect(error).toMatchObject({ ioctl: 'KVM_CREATE_IRQCHIP', errno: 17 });
    expect((error as Error).message).toMatch(/KVM_CREATE_IRQCHIP failed: EEXIST/);
  });

  it('still decodes a triple fault as a shutdown exit', () => {
    vm = createTestVm({
      ramSize: 0x20_0000,
      codeAddress: 0x1000,
      code: [0x0f, 0x0b],
      irqChip: true,
    }); // ud2
    writeLongModeTables(vm.ramView);
    vm.vcpu.setBootState(longModeBootState(0x1000n));
    expect(vm.vcpu.run()).toEqual({ kind: 'shutdown' });
    expect(vm.vcpu.describeRegisters()).toMatch(/^rip=0x1000 .* efer=0x500 cs=0x10$/);
  });
});
