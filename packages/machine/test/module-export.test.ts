import { describe, expect, it } from 'vitest';
import { MachineConfigError } from '../src/errors.js';
import { importExport } from '../src/module-export.js';
import { provideModule } from '../src/provided-modules.js';
import { vcpuWorkerScript } from '../src/vcpu-thread.js';

describe('importExport', () => {
  it('imports a module by name when nothing provides it', async () => {
    const join = await importExport<(...parts: string[]) => string>({
      module: 'node:path',
      export: 'join',
    });
    expect(join('a', 'b')).toBe('a/b');
  });

  it('loads a provided module with its loader, not by importing the name', async () => {
    const backend = { name: 'the bundle copy' };
    let loads = 0;
    provideModule('@vmm/test-provided', () => {
      loads++;
      return Promise.resolve({ testBackend: backend });
    });
    await expect(
      importExport({ module: '@vmm/test-provided', export: 'testBackend' }),
    ).resolves.toBe(backend);
    expect(loads).toBe(1);
    await expect(
      importExport({ module: '@vmm/test-provided', export: 'otherBackend' }),
    ).rejects.toThrow(
      new MachineConfigError('module @vmm/test-provided has no export "otherBackend"'),
    );
  });

  it('reports a module that neither loads nor is provided', async () => {
    await expect(importExport({ module: '@vmm/not-provided', export: 'x' })).rejects.toThrow(
      /^cannot load module @vmm\/not-provided: /,
    );
  });
});

describe('vcpuWorkerScript', () => {
  it('names the worker beside the module, in the module format', () => {
    expect(vcpuWorkerScript('file:///opt/vmm/dist/vmm.cjs').href).toBe(
      'file:///opt/vmm/dist/vcpu-worker.cjs',
    );
    expect(vcpuWorkerScript('file:///opt/vmm/dist/chunk-AB12.js').href).toBe(
      'file:///opt/vmm/dist/vcpu-worker.js',
    );
  });
});
