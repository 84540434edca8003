import { afterEach, describe, expect, it } from 'vitest';
import type { VmExit } from '@vmm/core';
import { createTestVm, hasKvm, warnIfNoKvm, type TestVm } from './kvm-host.js';

warnIfNoKvm('inline port-read tests');

/** A real-mode guest that reads port 0x3fd `count` times into RAM at 0x2000, then halts. */
function readingGuest(count: number): number[] {
  return [
    ...[0xba, 0xfd, 0x03], //             mov dx, 0x3fd
    ...[0xbf, 0x00, 0x20], //             mov di, 0x2000
    ...[0xb9, count & 0xff, count >> 8], // mov cx, count
    0xec, //                              in al, dx
    0xaa, //                              stosb
    ...[0xe2, 0xfc], //                   loop (back to in)
    ...[0xe6, 0x80], //                   out 0x80, al
    0xf4, //                              hlt
  ];
}

/** The exits `vm` makes until it halts, each as `kind` or `in/out:port`. */
function exitsUntilHalt(vm: TestVm, fill = 0x11): string[] {
  const exits: string[] = [];
  for (;;) {
    const exit: VmExit = vm.vcpu.run();
    if (exit.kind === 'interrupted') continue;
    if (exit.kind !== 'io') {
      exits.push(exit.kind);
      return exits;
    }
    if (exit.direction === 'in') exit.data.fill(fill);
    exits.push(`${exit.direction}:${exit.port.toString(16)}`);
  }
}

describe.skipIf(!hasKvm)('inline port reads (x86 KVM)', () => {
  let vm: TestVm | undefined;
  afterEach(() => vm?.virt.close());

  it('answers the port from the word without an exit, and others exit as before', () => {
    vm = createTestVm({ ramSize: 0x10000, codeAddress: 0x1000, code: readingGuest(500) });
    const word = new Int32Array(new SharedArrayBuffer(4));
    word[0] = 0x61;
    expect(vm.vcpu.answerPortReads(0x3fd, word)).toBe(true);
    vm.vcpu.setBootState({ mode: 'x86-real', entry: 0x1000n });

    expect(exitsUntilHalt(vm)).toEqual(['out:80', 'hlt']);
    expect([...vm.ram.subarray(0x2000, 0x2000 + 500)]).toEqual(new Array(500).fill(0x61));
    expect(vm.vcpu.inlineReadsAnswered).toBe(500);
  });

  it('follows the word as another thread would change it, and leaves deferred reads to the VMM', () => {
    vm = createTestVm({ ramSize: 0x10000, codeAddress: 0x1000, code: readingGuest(3) });
    const word = new Int32Array(new SharedArrayBuffer(4));
    word[0] = 0x100 | 0x60;
    vm.vcpu.answerPortReads(0x3fd, word);
    vm.vcpu.setBootState({ mode: 'x86-real', entry: 0x1000n });

    const first = vm.vcpu.run();
    expect(first).toMatchObject({ kind: 'io', direction: 'in', port: 0x3fd });
    if (first.kind === 'io') first.data.fill(0x22);
    word[0] = 0x61;
    expect(exitsUntilHalt(vm)).toEqual(['out:80', 'hlt']);
    expect([...vm.ram.subarray(0x2000, 0x2003)]).toEqual([0x22, 0x61, 0x61]);
    expect(vm.vcpu.inlineReadsAnswered).toBe(2);
  });

  it('leaves other ports, sizes and directions to the VMM', () => {
    vm = createTestVm({
      ramSize: 0x10000,
      codeAddress: 0x1000,
      code: [
        ...[0xba, 0xfc, 0x03], // mov dx, 0x3fc
        0xec, //                 in al, dx
        0x42, //                 inc dx (0x3fd)
        0xed, //                 in ax, dx (two bytes)
        0xee, //                 out dx, al
        0xec, //                 in al, dx (answered inline)
        0xf4, //                 hlt
      ],
    });
    const word = new Int32Array(new SharedArrayBuffer(4));
    word[0] = 0x60;
    vm.vcpu.answerPortReads(0x3fd, word);
    vm.vcpu.setBootState({ mode: 'x86-real', entry: 0x1000n });
    expect(exitsUntilHalt(vm)).toEqual(['in:3fc', 'in:3fd', 'out:3fd', 'hlt']);
    expect(vm.vcpu.inlineReadsAnswered).toBe(1);
  });

  it('still delivers buffered writes in order and still takes kicks', (ctx) => {
    vm = createTestVm({
      ramSize: 0x10000,
      codeAddress: 0x1000,
      code: [
        ...[0xba, 0xf8, 0x03], // mov dx, 0x3f8
        ...[0xb0, 0x61], //      mov al, 'a'
        0xee, //                 out dx, al
        ...[0xba, 0xfd, 0x03], // mov dx, 0x3fd
        0xec, //                 in al, dx (answered inline)
        ...[0xba, 0xf8, 0x03], // mov dx, 0x3f8
        0xee, //                 out dx, al (the byte read)
        ...[0xe6, 0x80], //      out 0x80, al
        0xf4, //                 hlt
      ],
    });
    if (!vm.virt.bufferPortWrites(0x3f8, 1, true)) {
      console.warn('skipping the buffered-writes case: this KVM lacks KVM_CAP_COALESCED_PIO');
      ctx.skip();
    }
    const word = new Int32Array(new SharedArrayBuffer(4));
    word[0] = 0x62;
    vm.vcpu.answerPortReads(0x3fd, word);
    vm.vcpu.setBootState({ mode: 'x86-real', entry: 0x1000n });
    vm.virt.kick(vm.vcpu.kickHandle);
    expect(vm.vcpu.run()).toEqual({ kind: 'interrupted' });
    const exits: string[] = [];
    for (;;) {
      const exit = vm.vcpu.run();
      if (exit.kind !== 'io') {
        exits.push(exit.kind);
        break;
      }
      exits.push(`${exit.port.toString(16)}:${String.fromCharCode(...exit.data)}`);
    }
    expect(exits).toEqual(['3f8:ab', '80:b', 'hlt']);
  });

  it('refuses a port outside 0-0xffff', () => {
    vm = createTestVm({ ramSize: 0x10000, codeAddress: 0x1000, code: [0xf4] });
    const word = new Int32Array(new SharedArrayBuffer(4));
    expect(() => vm!.vcpu.answerPortReads(0x10000, word)).toThrow(RangeError);
  });
});
