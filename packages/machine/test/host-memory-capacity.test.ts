import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { FlatBinaryLoader } from '@vmm/bootloader';
import {
  Machine,
  MachineConfigError,
  checkGuestRamFitsHost,
  hostMemoryCapacity,
} from '../dist/index.js';

const GIB = 2 ** 30;

describe('checkGuestRamFitsHost', () => {
  const host = { ram: 16 * GIB, swap: 4 * GIB };

  it('passes RAM within the host, without reading the host at all', () => {
    const unread = (): never => {
      throw new Error('read the host');
    };
    expect(() => checkGuestRamFitsHost(GIB, '1G', unread)).not.toThrow();
  });

  it('passes RAM that fits the host once its swap is counted', () => {
    const ramSize = totalmem() + GIB;
    const roomy = { ram: totalmem(), swap: 2 * GIB };
    expect(() => checkGuestRamFitsHost(ramSize, 'x', () => roomy)).not.toThrow();
  });

  it("refuses RAM beyond the host's RAM and swap, naming both", () => {
    const ramSize = Math.max(totalmem(), host.ram + host.swap) + GIB;
    expect(() => checkGuestRamFitsHost(ramSize, '100T', () => host)).toThrow(MachineConfigError);
    expect(() => checkGuestRamFitsHost(ramSize, '100T', () => host)).toThrow(
      'memory size "100T" is more than this host can hold: it has 16.0 GiB of RAM and 4.0 GiB of swap',
    );
  });

  it('leaves the bound to hosts that state one', () => {
    expect(() => checkGuestRamFitsHost(totalmem() * 4, '4x', () => undefined)).not.toThrow();
  });
});

describe('hostMemoryCapacity', () => {
  it.runIf(process.platform === 'linux')("reads this Linux host's RAM from /proc/meminfo", () => {
    const capacity = hostMemoryCapacity();
    expect(capacity?.ram).toBe(Math.floor(totalmem() / 1024) * 1024);
    expect(capacity?.swap).toBeGreaterThanOrEqual(0);
  });
});

describe('Machine.create and the host memory', () => {
  const refusing = {
    module: new URL('./fixtures/allocation-refusing-backend.mjs', import.meta.url).href,
    export: 'allocationRefusingBackend',
  };
  const loader = new FlatBinaryLoader({
    image: Uint8Array.of(0xf4),
    loadAddress: 0x1000n,
    mode: 'real',
  });

  it.runIf(process.platform === 'linux')(
    'refuses RAM the host cannot hold before allocating any',
    async () => {
      const capacity = hostMemoryCapacity()!;
      const tooMuch = Math.ceil((capacity.ram + capacity.swap) / GIB) + 1;
      await expect(
        Machine.create({ backend: refusing, loader, memory: `${tooMuch}G` }),
      ).rejects.toThrow(`memory size "${tooMuch}G" is more than this host can hold`);
    },
  );

  it('allocates RAM the host can hold', async () => {
    await expect(Machine.create({ backend: refusing, loader, memory: '16M' })).rejects.toThrow(
      `asked for ${16 * 2 ** 20} bytes of guest RAM`,
    );
  });
});
