import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlatBinaryLoader } from '@vmm/bootloader';
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
