import { afterEach, describe, expect, it } from 'vitest';
import type { VmExit } from '@vmm/core';
import { createTestVm, hasKvm, warnIfNoKvm, type TestVm } from './kvm-host.js';

warnIfNoKvm('real-mode guest tests');

/** Narrows `exit` to the kind a test expects, failing with the exit it got otherwise. */
function expectKind<K extends VmExit['kind']>(exit: VmExit, kind: K): Extract<VmExit, { kind: K }> {
  expect(
    exit.kind,
    JSON.stringify(exit, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
  ).toBe(kind);
  return exit as Extract<VmExit, { kind: K }>;
}

describe.skipIf(!hasKvm)('real-mode guests (no irqchip, so hlt exits to us)', () => {
  let vm: TestVm | undefined;
  afterEach(() => vm?.virt.close());

  it('exits on out with the port, size, direction and data, writes RAM, then halts', () => {
    vm = createTestVm({
      ramSize: 0x10000,
      codeAddress: 0x1000,
      code: [
        ...[0xba, 0xf8, 0x03], //   mov dx, 0x3f8
        ...[0xb0, 0x4b], //         mov al, 'K'
        0xee, //                    out dx, al
        ...[0xa0, 0x00, 0x20], //   mov al, [0x2000]
        0xee, //                    out dx, al
        ...[0xc6, 0x06, 0x01, 0x20, 0x55], // mov byte [0x2001], 0x55
        0xf4, //                    hlt
      ],
    });
    vm.ram[0x2000] = 0x42;
    vm.vcpu.setBootState({ mode: 'x86-real', entry: 0x1000n });

    const first = expectKind(vm.vcpu.run(), 'io');
    expect(first).toMatchObject({ direction: 'out', port: 0x3f8, size: 1, count: 1 });
    expect([...first.data]).toEqual([0x4b]);
    const second = expectKind(vm.vcpu.run(), 'io');
    expect([...second.data]).toEqual([0x42]);
    expectKind(vm.vcpu.run(), 'hlt');
    expect(vm.ram[0x2001]).toBe(0x55);
    expect(vm.vcpu.describeRegisters()).toMatch(
      /^rip=0x10 rsp=0x0 rflags=0x2 cr0=0x60000010 cr3=0x0 cr4=0x0 efer=0x0 cs=0x100$/,
    );
  });

  it('delivers buffered port writes as out exits, in order, before the exit after them', (ctx) => {
    vm = createTestVm({
      ramSize: 0x10000,
      codeAddress: 0x1000,
      code: [
        ...[0xba, 0xf8, 0x03], //   mov dx, 0x3f8
        ...[0xb0, 0x61], //         mov al, 'a'
        0xee, //                    out dx, al
        ...[0xb0, 0x62], //         mov al, 'b'
        0xee, //                    out dx, al
        ...[0xe6, 0x80], //         out 0x80, al
        ...[0xb0, 0x63], //         mov al, 'c'
        0xee, //                    out dx, al
        0xf4, //                    hlt
      ],
    });
    if (!vm.virt.bufferPortWrites(0x3f8, 1, true)) {
      console.warn('skipping the buffered-writes test: this KVM lacks KVM_CAP_COALESCED_PIO');
      ctx.skip();
    }
    vm.vcpu.setBootState({ mode: 'x86-real', entry: 0x1000n });
    const exits: string[] = [];
    for (;;) {
      const exit = vm.vcpu.run();
      if (exit.kind !== 'io') {
        exits.push(exit.kind);
        break;
      }
      exits.push(`${exit.port.toString(16)}:${String.fromCharCode(...exit.data)}`);
    }
    expect(exits).toEqual(['3f8:ab', '80:b', '3f8:c', 'hlt']);
    expect(vm.vcpu.bufferedWritesDelivered).toBe(3);
    expect(vm.virt.bufferPortWrites(0x3f8, 1, false)).toBe(true);
  });

  it('hands the guest the bytes an in exit is filled with', () => {
    vm = createTestVm({
      ramSize: 0x10000,
      codeAddress: 0x7c00,
      code: [
        ...[0xba, 0x60, 0x00], //   mov dx, 0x60
        0xec, //                    in al, dx
        ...[0xa2, 0x00, 0x20], //   mov [0x2000], al
        0xed, //                    in ax, dx
        0xef, //                    out dx, ax
        0xf4, //                    hlt
      ],
    });
    vm.vcpu.setBootState({ mode: 'x86-real', entry: 0x7c00n });

    const inByte = expectKind(vm.vcpu.run(), 'io');
    expect(inByte).toMatchObject({ direction: 'in', port: 0x60, size: 1, count: 1 });
    inByte.data[0] = 0x5a;
    const inWord = expectKind(vm.vcpu.run(), 'io');
    expect(inWord).toMatchObject({ direction: 'in', port: 0x60, size: 2 });
    inWord.data.set([0x34, 0x12]);
    const out = expectKind(vm.vcpu.run(), 'io');
    expect(out).toMatchObject({ direction: 'out', port: 0x60, size: 2 });
    expect([...out.data]).toEqual([0x34, 0x12]);
    expectKind(vm.vcpu.run(), 'hlt');
    expect(vm.ram[0x2000]).toBe(0x5a);
  });

  it('exits on loads and stores outside RAM as MMIO and completes the load with our data', () => {
    vm = createTestVm({
      ramSize: 0x10000,
      codeAddress: 0x1000,
      code: [
        ...[0xb8, 0x00, 0x20], //   mov ax, 0x2000
        ...[0x8e, 0xc0], //         mov es, ax          ; es:0 = 0x20000, past the 64 KiB of RAM
        ...[0x26, 0xc6, 0x06, 0x10, 0x00, 0xab], // mov byte [es:0x10], 0xab
        ...[0x26, 0xa1, 0x20, 0x00], // mov ax, [es:0x20]
        ...[0xba, 0xf8, 0x03], //   mov dx, 0x3f8
        0xef, //                    out dx, ax
        0xf4, //                    hlt
      ],
    });
    vm.vcpu.setBootState({ mode: 'x86-real', entry: 0x1000n });

    const store = expectKind(vm.vcpu.run(), 'mmio');
    expect(store).toMatchObject({ isWrite: true, address: 0x2_0010n });
    expect([...store.data]).toEqual([0xab]);
    const load = expectKind(vm.vcpu.run(), 'mmio');
    expect(load).toMatchObject({ isWrite: false, address: 0x2_0020n });
    expect(load.data.length).toBe(2);
    load.data.set([0x34, 0x12]);
    const out = expectKind(vm.vcpu.run(), 'io');
    expect([...out.data]).toEqual([0x34, 0x12]);
    expectKind(vm.vcpu.run(), 'hlt');
  });

  it('returns interrupted when kicked before running, then runs on', () => {
    vm = createTestVm({ ramSize: 0x10000, codeAddress: 0x1000, code: [0xf4] }); // hlt
    vm.vcpu.setBootState({ mode: 'x86-real', entry: 0x1000n });
    vm.virt.kick(vm.vcpu.kickHandle);
    vm.virt.kick(vm.vcpu.kickHandle);
    expectKind(vm.vcpu.run(), 'interrupted');
    expectKind(vm.vcpu.run(), 'hlt');
  });

  it('refuses a real-mode entry above 1 MiB', () => {
    vm = createTestVm({ ramSize: 0x10000, codeAddress: 0, code: [] });
    expect(() => vm!.vcpu.setBootState({ mode: 'x86-real', entry: 0x10_0000n })).toThrow(
      'real-mode entry 0x100000 is outside the first MiB',
    );
  });
});
