import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CpioEntry } from '@vmm/guest-tools';
import { ImageTree, OuterImageError, imageCacheKey, keepDeployedFile } from '../src/index.js';

const BASE: CpioEntry[] = [
  { type: 'directory', path: 'bin', mode: 0o755 },
  { type: 'file', path: 'bin/busybox', data: 'busybox', mode: 0o755 },
  { type: 'symlink', path: 'bin/sh', target: 'busybox' },
  { type: 'char-device', path: 'dev/console', major: 5, minor: 1, mode: 0o600 },
];

describe('imageCacheKey', () => {
  const key = imageCacheKey(BASE, 'v1');

  it('is a SHA-256 that equal entries reproduce', () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(imageCacheKey(structuredClone(BASE), 'v1')).toBe(key);
    expect(imageCacheKey([{ ...BASE[1]!, data: Buffer.from('busybox') } as CpioEntry], 'v1')).toBe(
      imageCacheKey([BASE[1]!], 'v1'),
    );
  });

  it('changes with any byte, mode, path, link target, device number, order or salt', () => {
    const variants: CpioEntry[][] = [
      [BASE[0]!, { ...BASE[1]!, data: 'busyboX' } as CpioEntry, BASE[2]!, BASE[3]!],
      [BASE[0]!, { ...BASE[1]!, mode: 0o644 } as CpioEntry, BASE[2]!, BASE[3]!],
      [BASE[0]!, { ...BASE[1]!, path: 'bin/busybox2' }, BASE[2]!, BASE[3]!],
      [BASE[0]!, BASE[1]!, { ...BASE[2]!, target: '/bin/busybox' } as CpioEntry, BASE[3]!],
      [BASE[0]!, BASE[1]!, BASE[2]!, { ...BASE[3]!, minor: 2 } as CpioEntry],
      [BASE[0]!, BASE[2]!, BASE[1]!, BASE[3]!],
    ];
    const keys = new Set([key, ...variants.map((entries) => imageCacheKey(entries, 'v1'))]);
    keys.add(imageCacheKey(BASE, 'v2'));
    expect(keys.size).toBe(variants.length + 2);
  });
});

describe('ImageTree', () => {
  const work = mkdtempSync(join(tmpdir(), 'vmm-e2e-tree-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('adds missing parent directories before an entry, once', () => {
    const tree = new ImageTree(BASE);
    tree.add({ type: 'file', path: '/lib/x86_64-linux-gnu/libc.so.6', data: 'libc' });
    tree.add({ type: 'file', path: '/lib/x86_64-linux-gnu/libm.so.6', data: 'libm' });
    tree.add({ type: 'file', path: '/bin/vmm', data: '#!/bin/sh\n', mode: 0o755 });
    expect(tree.entries.slice(BASE.length).map((entry) => `${entry.type} ${entry.path}`)).toEqual([
      'directory lib',
      'directory lib/x86_64-linux-gnu',
      'file lib/x86_64-linux-gnu/libc.so.6',
      'file lib/x86_64-linux-gnu/libm.so.6',
      'file bin/vmm',
    ]);
  });

  it('refuses a path twice, and paths with . or ..', () => {
    const tree = new ImageTree(BASE);
    expect(() => tree.add({ type: 'file', path: '/bin/busybox', data: '' })).toThrow(
      OuterImageError,
    );
    expect(() => tree.add({ type: 'file', path: '/lib/../etc/passwd', data: '' })).toThrow(
      /not a plain absolute path/,
    );
  });

  it('copies a host directory in sorted order with modes, relative links and a filter', async () => {
    const dir = join(work, 'deploy');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', '.pnpm', 'koffi'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'cli.js'), 'cli', { mode: 0o755 });
    writeFileSync(join(dir, 'dist', 'cli.js.map'), 'map');
    writeFileSync(join(dir, 'node_modules', '.pnpm', 'koffi', 'index.js'), 'koffi');
    symlinkSync('.pnpm/koffi', join(dir, 'node_modules', 'koffi'));
    symlinkSync(join(dir, 'dist', 'cli.js'), join(dir, 'cli-link'));
    const tree = new ImageTree();
    await tree.addHostDirectory(dir, '/opt/vmm', keepDeployedFile);
    expect(
      tree.entries.map((entry) =>
        entry.type === 'symlink'
          ? `${entry.path} -> ${entry.target}`
          : `${entry.type} ${entry.path} ${(entry.mode ?? 0).toString(8)}`,
      ),
    ).toEqual([
      'directory opt 755',
      'directory opt/vmm 755',
      'opt/vmm/cli-link -> dist/cli.js',
      'directory opt/vmm/dist 755',
      'file opt/vmm/dist/cli.js 755',
      'directory opt/vmm/node_modules 755',
      'directory opt/vmm/node_modules/.pnpm 755',
      'directory opt/vmm/node_modules/.pnpm/koffi 755',
      'file opt/vmm/node_modules/.pnpm/koffi/index.js 644',
      'opt/vmm/node_modules/koffi -> .pnpm/koffi',
    ]);
  });

  it('refuses a symlink that leads out of the copied directory', async () => {
    const dir = join(work, 'escape');
    mkdirSync(dir);
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    await expect(new ImageTree().addHostDirectory(dir, '/x')).rejects.toThrow(/leads out of/);
  });
});

describe('keepDeployedFile', () => {
  it('drops source maps, type declarations and pnpm bookkeeping', () => {
    expect(keepDeployedFile('dist/vmm.cjs')).toBe(true);
    expect(keepDeployedFile('package.json')).toBe(true);
    expect(keepDeployedFile('node_modules/.pnpm/koffi@3.3.4/node_modules/koffi/index.js')).toBe(
      true,
    );
    expect(keepDeployedFile('dist/vmm.cjs.map')).toBe(false);
    expect(keepDeployedFile('dist/index.d.ts')).toBe(false);
    expect(keepDeployedFile('node_modules/.modules.yaml')).toBe(false);
    expect(keepDeployedFile('node_modules/.pnpm-workspace-state-v1.json')).toBe(false);
    expect(keepDeployedFile('pnpm-lock.yaml')).toBe(false);
  });
});
