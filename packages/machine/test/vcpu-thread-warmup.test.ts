import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlatBinaryLoader } from '@vmm/bootloader';
import { Machine } from '../dist/index.js';
import { VcpuThreadWarmup } from '../dist/warmup.js';

const kvm = { module: import.meta.resolve('@vmm/kvm'), export: 'kvmBackend' };

describe('VcpuThreadWarmup', () => {
  it('gives its threads to a machine of the same backend once, and none to another', async () => {
    const warmup = VcpuThreadWarmup.start(kvm, 2);
    expect(warmup.take({ ...kvm, export: 'otherBackend' }, 2)).toEqual([]);
    expect(warmup.take(kvm, 2)).toEqual([]);
    await warmup.discard();
  });

  it('hands over at most the threads asked for and ends the others', async () => {
    const warmup = VcpuThreadWarmup.start(kvm, 2);
    const taken = warmup.take(kvm, 1);
    expect(taken).toHaveLength(1);
    await warmup.discard();
    await taken[0]!.terminate();
  });

  it('refuses to start no threads', () => {
    expect(() => VcpuThreadWarmup.start(kvm, 0)).toThrow(RangeError);
  });

  it.skipIf(!existsSync('/dev/kvm'))('boots a machine on a warmed-up thread', async () => {
    const warmup = VcpuThreadWarmup.start(kvm);
    const vm = await Machine.create({
      backend: kvm,
      warmup,
      memory: '16M',
      irqchip: false,
      loader: new FlatBinaryLoader({
        // mov dx, 0x3f8; mov al, 'W'; out dx, al; hlt
        image: Uint8Array.of(0xba, 0xf8, 0x03, 0xb0, 0x57, 0xee, 0xf4),
        loadAddress: 0x1000n,
        mode: 'real',
      }),
    });
    let output = '';
    vm.console.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    expect((await vm.exited).kind).toBe('halted');
    expect(output).toBe('W');
    expect(warmup.take(kvm, 1)).toEqual([]);
    await vm.close();
  });
});
