import { VmmError } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { Errno, KvmError, KvmVirt } from '../src/index.js';
import { createTestVm, hasKvm, warnIfNoKvm } from './kvm-host.js';

warnIfNoKvm('KVM error tests');

/** What `action` throws (failing the test if it returns). */
function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe.skipIf(!hasKvm)('errors from a real KVM', () => {
  it('names KVM_CREATE_VCPU and EEXIST when a vCPU id is taken', () => {
    const vm = createTestVm({ ramSize: 0x1000, codeAddress: 0, code: [] });
    try {
      const error = thrownBy(() => vm.virt.createVcpu(0));
      expect(error).toBeInstanceOf(KvmError);
      expect(error).toMatchObject({ ioctl: 'KVM_CREATE_VCPU', errno: Errno.EEXIST });
      expect(error.message).toBe('KVM_CREATE_VCPU failed (vCPU 0): EEXIST (errno 17, file exists)');
    } finally {
      vm.virt.close();
    }
  });

  it('names KVM_IRQ_LINE and ENXIO when there is no irqchip', () => {
    const virt = KvmVirt.create({ vcpus: 1 });
    try {
      const error = thrownBy(() => virt.interrupts.setLevel(4, true));
      expect(error).toMatchObject({ ioctl: 'KVM_IRQ_LINE', errno: Errno.ENXIO });
      expect(error.message).toMatch(/KVM_IRQ_LINE failed \(interrupt line 4\): ENXIO/);
    } finally {
      virt.close();
    }
  });

  it('names KVM_SET_USER_MEMORY_REGION and EINVAL for a misaligned slot', () => {
    const virt = KvmVirt.create({ vcpus: 1 });
    try {
      const { hostAddress } = virt.allocateMemory(0x2000);
      const error = thrownBy(() =>
        virt.setUserMemoryRegion({
          slot: 0,
          guestAddress: 0n,
          hostAddress: hostAddress + 1n,
          size: 0x1000,
        }),
      );
      expect(error.message).toBe(
        'KVM_SET_USER_MEMORY_REGION failed (slot 0: 4096 bytes at guest 0x0): ' +
          'EINVAL (errno 22, invalid argument)',
      );
    } finally {
      virt.close();
    }
  });

  it('rejects bad arguments before asking KVM', () => {
    const virt = KvmVirt.create({ vcpus: 2 });
    try {
      expect(() => virt.createVcpu(2)).toThrow("vCPU id 2 is outside this VM's 0..1");
      expect(() => virt.allocateMemory(0)).toThrow(VmmError);
      expect(() => virt.allocateMemory(2 ** 32 + 4096)).toThrow(/at most 4294967296 bytes/);
      expect(() => virt.viewMemory(0x1000n, 2 ** 33)).toThrow(/0 to 4 GiB/);
      expect(() => virt.kick({ backend: 'kvm', vcpu: 0 })).toThrow(/not a KVM vCPU kick handle/);
      const vcpu = virt.createVcpu(0);
      expect(() => vcpu.setBootState({ mode: 'aarch64', entry: 0n, deviceTree: 0n })).toThrow(
        /cannot start in aarch64 mode/,
      );
    } finally {
      virt.close();
    }
    expect(() => KvmVirt.create({ vcpus: 0 })).toThrow('at least 1 (got 0)');
  });

  it('fails cleanly once closed instead of using a stale descriptor', () => {
    const vm = createTestVm({ ramSize: 0x1000, codeAddress: 0, code: [0xf4] });
    vm.virt.close();
    vm.virt.close();
    expect(thrownBy(() => vm.vcpu.run())).toMatchObject({ ioctl: 'KVM_RUN', errno: Errno.EBADF });
    expect(vm.vcpu.describeRegisters()).toMatch(/^registers unavailable: KVM_GET_REGS failed/);
    expect(() => vm.virt.createIrqChip()).toThrow(/KVM_CREATE_IRQCHIP failed \(the VM is closed\)/);
    // The RAM is released; a view kept past close reads zeros rather than crashing.
    expect(vm.ram[0]).toBe(0);
  });
});
