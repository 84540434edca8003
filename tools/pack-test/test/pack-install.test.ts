import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const pnpm = join(root, 'node_modules', '.bin', 'pnpm');

/** Workspace packages that are published (not private), with their directories. */
function publishable(): { name: string; dir: string }[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group)).flatMap((entry) => {
      const dir = join(root, group, entry);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name: string;
        private?: boolean;
      };
      return manifest.private === true ? [] : [{ name: manifest.name, dir }];
    }),
  );
}

describe('packed packages install and import on their own', () => {
  const work = mkdtempSync(join(tmpdir(), 'vmm-pack-'));
  const tarballs = join(work, 'tarballs');
  const app = join(work, 'app');
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const packages = publishable();

  it('packs each package and installs the tarballs into an empty folder with npm', () => {
    for (const { dir } of packages) {
      execFileSync(pnpm, ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'pipe' });
    }
    const files = readdirSync(tarballs).filter((file) => file.endsWith('.tgz'));
    expect(files.length).toBe(packages.length);
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...files.map((file) => join(tarballs, file)),
      ],
      { cwd: app, stdio: 'pipe' },
    );
  }, 240_000);

  it('imports every package from the install, with workspace: and catalog: ranges resolved', () => {
    for (const { name } of packages) {
      const manifest = readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8');
      expect(manifest).not.toMatch(/workspace:|catalog:/);
      const exported = execFileSync(
        'node',
        [
          '--input-type=module',
          '-e',
          `const m = await import('${name}'); console.log(Object.keys(m).length)`,
        ],
        { cwd: app, encoding: 'utf8' },
      );
      expect(Number(exported), `${name} exports`).toBeGreaterThan(0);
    }
  });

  it('runs the installed vmm command', () => {
    const help = execFileSync(join(app, 'node_modules', '.bin', 'vmm'), ['--help'], {
      encoding: 'utf8',
    });
    expect(help).toMatch(/^Usage: vmm --kernel PATH/);
  });
});
