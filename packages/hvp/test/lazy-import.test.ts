import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const builtPackage = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('importing @vmm/hvp', () => {
  it('loads neither koffi nor Hypervisor.framework (so it imports on any OS)', () => {
    expect(existsSync(builtPackage), 'this test imports dist/: run `pnpm run build` first').toBe(
      true,
    );
    const script = `
      import { createRequire } from 'node:module';
      const { hvpBackend } = await import(${JSON.stringify(builtPackage)});
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ name: hvpBackend.name, koffi: loaded.filter((f) => f.includes('koffi')) }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({ name: 'hvp', koffi: [] });
  });
});
