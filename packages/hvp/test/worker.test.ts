import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BOOT_CPSR, FakeHvApi, HvpVirt, PsciFunction, type HvpKickHandle } from '../src/index.js';
import { psciStep } from './fake-vm.js';

const builtPackage = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const fixture = new URL('./fixtures/secondary-vcpu.mjs', import.meta.url);

type Message =
  | { type: 'waiting'; kickHandle: HvpKickHandle }
  | { type: 'started'; pc: bigint; x0: bigint; cpsr: bigint }
  | { type: 'exit'; exit: unknown };

/** Starts the secondary-vCPU fixture and collects its messages. */
function startSecondary(virt: HvpVirt, vcpuId: number) {
  const worker = new Worker(fixture, { workerData: { handle: virt.handle, vcpuId } });
  const messages: Message[] = [];
  const failure = new Promise<never>((_, reject) => worker.once('error', reject));
  worker.on('message', (message: Message) => messages.push(message));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const waitFor = async (type: Message['type']): Promise<Message> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = messages.find((message) => message.type === type);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for '${type}'`);
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 2)), failure]);
    }
  };
  return { waitFor, exited };
}

describe('vCPUs in worker threads', () => {
  it('a secondary waits powered off until the boot vCPU CPU_ONs it, then starts at the entry', async () => {
    expect(existsSync(builtPackage), 'the worker imports dist/: run `pnpm run build` first').toBe(
      true,
    );
    const api = new FakeHvApi();
    const virt = HvpVirt.create({ vcpus: 2 }, api);
    try {
      const boot = virt.createVcpu(0);
      boot.setBootState({ mode: 'aarch64', entry: 0x4008_0000n, deviceTree: 0x4400_0000n });
      const secondary = startSecondary(virt, 1);
      await secondary.waitFor('waiting');

      api
        .vcpu(boot.hvVcpu)
        .script(
          psciStep(PsciFunction.CPU_ON_64, 1n, 0x4012_3400n, 0x5eedn),
          psciStep(PsciFunction.SYSTEM_OFF),
        );
      expect(boot.run()).toEqual({ kind: 'system-event', event: 'power-off' });

      expect(await secondary.waitFor('started')).toEqual({
        type: 'started',
        pc: 0x4012_3400n,
        x0: 0x5eedn,
        cpsr: BOOT_CPSR,
      });
      expect(await secondary.waitFor('exit')).toEqual({
        type: 'exit',
        exit: { kind: 'system-event', event: 'power-off' },
      });
      expect(await secondary.exited).toBe(0);
    } finally {
      virt.close();
    }
  });

  it('a kick from the main thread ends the wait of a powered-off vCPU', async () => {
    const virt = HvpVirt.create({ vcpus: 2 }, new FakeHvApi());
    try {
      const secondary = startSecondary(virt, 1);
      const waiting = await secondary.waitFor('waiting');
      if (waiting.type !== 'waiting') throw new Error('unreachable');
      virt.kick(waiting.kickHandle);
      expect(await secondary.waitFor('exit')).toEqual({
        type: 'exit',
        exit: { kind: 'interrupted' },
      });
      expect(await secondary.exited).toBe(0);
    } finally {
      virt.close();
    }
  });
});
