import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { KvmVirt } from '../src/index.js';
import { hasKvm, warnIfNoKvm } from './kvm-host.js';

warnIfNoKvm('worker-thread tests');

const builtPackage = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const fixture = new URL('./fixtures/attached-vcpu.mjs', import.meta.url);

/** Resolves once `predicate` holds, polling without blocking the event loop. */
async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe.skipIf(!hasKvm)('a vCPU in a worker thread', () => {
  it('attaches by handle, shares guest RAM, runs, and is kicked out of hlt by the main thread', async () => {
    expect(existsSync(builtPackage), 'the worker imports dist/: run `pnpm run build` first').toBe(
      true,
    );
    const ramSize = 0x10000;
    const virt = KvmVirt.create({ vcpus: 1 });
    try {
      virt.createIrqChip(); // with the in-kernel irqchip, hlt waits in the kernel
      const memory = virt.allocateMemory(ramSize);
      virt.setUserMemoryRegion({
        slot: 0,
        guestAddress: 0n,
        hostAddress: memory.hostAddress,
        size: ramSize,
      });
      memory.bytes.set(
        [
          ...[0xba, 0xf8, 0x03], //             mov dx, 0x3f8
          ...[0xa0, 0x00, 0x20], //             mov al, [0x2000]
          0xee, //                              out dx, al
          ...[0xc6, 0x06, 0x01, 0x20, 0x99], // mov byte [0x2001], 0x99
          0xfa, //                              cli
          0xf4, //                              hlt     ; sleeps in the kernel for good
        ],
        0x1000,
      );

      const worker = new Worker(fixture, {
        workerData: { handle: virt.handle, hostAddress: memory.hostAddress, ramSize, input: 0x77 },
      });
      const messages: Array<{ type: string; [key: string]: unknown }> = [];
      const failure = new Promise<never>((_, reject) => worker.once('error', reject));
      worker.on('message', (message) => messages.push(message));
      const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
      const waitFor = (what: string, predicate: () => boolean) =>
        Promise.race([until(predicate, what), failure]);

      await waitFor('the kick handle', () => messages.length >= 1);
      expect(messages[0]).toMatchObject({
        type: 'kick-handle',
        kickHandle: { backend: 'kvm', vcpu: 0 },
      });
      await waitFor('the out exit', () => messages.length >= 2);
      expect(messages[1]).toEqual({
        type: 'exit',
        exit: { kind: 'io', direction: 'out', port: 0x3f8, size: 1, count: 1, data: [0x77] },
      });
      // The guest stores 0x99 right before it halts: once the main thread sees it, the vCPU is
      // in (or about to enter) hlt, which never exits on its own with the irqchip.
      await waitFor('the guest to reach hlt', () => memory.bytes[0x2001] === 0x99);
      virt.kick(messages[0]!.kickHandle as Record<string, number | string>);
      await waitFor('the interrupted exit', () => messages.length >= 3);
      expect(messages[2]).toEqual({ type: 'exit', exit: { kind: 'interrupted' } });
      expect(await exited).toBe(0);
    } finally {
      virt.close();
    }
  });
});
