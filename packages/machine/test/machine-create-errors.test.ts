import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlatBinaryLoader } from '@vmm/bootloader';
import { x86_64Layout } from '@vmm/core';
import { Machine } from '../dist/index.js';

const unavailable = {
  module: new URL('./fixtures/unavailable-backend.mjs', import.meta.url).href,
  export: 'unavailableBackend',
};

function file(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vmm-machine-')), name);
  writeFileSync(path, bytes);
  return path;
}

describe('Machine.create reports the guest before the host', () => {
  it('names a kernel that cannot boot even when no VM can be made', async () => {
    const kernel = file('vmlinux', new Uint8Array(4096).fill(0x7f));
    await expect(Machine.create({ backend: unavailable, kernel, memory: '64M' })).rejects.toThrow(
      /bzImage/,
    );
  });

  it('names a kernel file that cannot be read', async () => {
    await expect(
      Machine.create({ backend: unavailable, kernel: '/nonexistent/bzImage', memory: '64M' }),
    ).rejects.toThrow('cannot read the kernel at /nonexistent/bzImage: ENOENT');
  });

  it("reports the backend's own error once the guest is fine", async () => {
    const loader = new FlatBinaryLoader({
      image: Uint8Array.of(0xf4),
      loadAddress: 0x1000n,
      mode: 'real',
    });
    await expect(Machine.create({ backend: unavailable, loader, memory: '16M' })).rejects.toThrow(
      'no hypervisor on this host',
    );
  });
});

describe('Machine.create gives the backend the memory map it must hold', () => {
  const limited = {
    module: new URL('./fixtures/address-limited-backend.mjs', import.meta.url).href,
    export: 'addressLimitedBackend',
  };
  const loader = new FlatBinaryLoader({
    image: Uint8Array.of(0xf4),
    loadAddress: 0x1000n,
    mode: 'real',
  });

  it('ends the map at the local APIC while the RAM fits below the MMIO gap', async () => {
    const apicEnd = x86_64Layout.APIC_START + 0x1000n;
    await expect(Machine.create({ backend: limited, loader, memory: '16M' })).rejects.toThrow(
      `span 0x${apicEnd.toString(16)}, 1 slots`,
    );
  });

  it('ends the map at the top of high RAM, in 4 GiB slots', async () => {
    const highEnd = x86_64Layout.HIGH_RAM_START + (16n << 30n) - x86_64Layout.MMIO_GAP_START;
    await expect(Machine.create({ backend: limited, loader, memory: '16G' })).rejects.toThrow(
      `span 0x${highEnd.toString(16)}, 5 slots`,
    );
  });

  it('reports RAM the guest cannot address as a memory size too large for this host', async () => {
    await expect(Machine.create({ backend: limited, loader, memory: '1T' })).rejects.toThrow(
      /^memory size "1T" is too large for this host: .* needs 41-bit guest physical addresses, but the test hypervisor gives a guest 40 bits \(addresses below 1 TiB\)$/,
    );
  });

  it('reports RAM that needs more memory slots than the hypervisor has the same way', async () => {
    await expect(Machine.create({ backend: limited, loader, memory: '512G' })).rejects.toThrow(
      /^memory size "512G" is too large for this host: this VM's RAM needs 129 memory slots, and this host's hypervisor gives a VM 64$/,
    );
  });
});
