import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RepoRootNotFoundError,
  UnsupportedGuestArchError,
  findRepoRoot,
  guestAssetPaths,
  guestCacheDir,
  parseGuestArch,
} from '../src/index.js';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

describe('cache location', () => {
  it('finds the repository root (the directory with pnpm-workspace.yaml)', () => {
    expect(findRepoRoot()).toBe(REPO_ROOT);
    expect(findRepoRoot(join(REPO_ROOT, 'tools', 'guest', 'src'))).toBe(REPO_ROOT);
  });

  it('fails with an actionable error when there is no workspace above', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmm-guest-'));
    expect(() => findRepoRoot(dir)).toThrow(RepoRootNotFoundError);
    expect(() => findRepoRoot(dir)).toThrow(/VMM_CACHE_DIR/);
  });

  it('uses <repo>/.cache/guest unless VMM_CACHE_DIR overrides it', () => {
    expect(guestCacheDir({})).toBe(join(REPO_ROOT, '.cache', 'guest'));
    expect(guestCacheDir({ VMM_CACHE_DIR: '' })).toBe(join(REPO_ROOT, '.cache', 'guest'));
    expect(guestCacheDir({ VMM_CACHE_DIR: '/srv/vmm-cache' })).toBe('/srv/vmm-cache/guest');
  });
});

describe('guestAssetPaths', () => {
  it('lays out one directory per architecture and leaves module paths null before a fetch', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'vmm-guest-'));
    const paths = guestAssetPaths({ cacheDir });
    expect(paths.arch).toBe('x86_64');
    expect(paths.vmlinuz).toBe(join(cacheDir, 'x86_64', 'vmlinuz'));
    expect(paths.initramfs).toBe(join(cacheDir, 'x86_64', 'initramfs.cpio.gz'));
    expect(paths.kernelReleaseFile).toBe(join(cacheDir, 'x86_64', 'kernel-release'));
    expect(paths.debsDir).toBe(join(cacheDir, 'debs'));
    expect(paths.modulesDir).toBeNull();
    expect(paths.kvmModules).toBeNull();
  });

  it('derives the module paths from the cached kernel-release file', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'vmm-guest-'));
    mkdirSync(join(cacheDir, 'x86_64'));
    writeFileSync(join(cacheDir, 'x86_64', 'kernel-release'), '6.1.0-99-cloud-amd64\n');
    const paths = guestAssetPaths({ cacheDir, arch: 'x86_64' });
    const modules = join(
      cacheDir,
      'x86_64',
      'kernel-tree',
      'lib',
      'modules',
      '6.1.0-99-cloud-amd64',
    );
    expect(paths.modulesDir).toBe(modules);
    expect(paths.kvmModules).toEqual({
      irqbypass: join(modules, 'kernel', 'virt', 'lib', 'irqbypass.ko'),
      kvm: join(modules, 'kernel', 'arch', 'x86', 'kvm', 'kvm.ko'),
      kvmAmd: join(modules, 'kernel', 'arch', 'x86', 'kvm', 'kvm-amd.ko'),
      kvmIntel: join(modules, 'kernel', 'arch', 'x86', 'kvm', 'kvm-intel.ko'),
    });
  });

  it('has no KVM module paths on aarch64, whose kernel builds KVM in', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'vmm-guest-'));
    mkdirSync(join(cacheDir, 'aarch64'));
    writeFileSync(join(cacheDir, 'aarch64', 'kernel-release'), '6.1.0-99-cloud-arm64\n');
    const paths = guestAssetPaths({ cacheDir, arch: 'aarch64' });
    const tree = join(cacheDir, 'aarch64', 'kernel-tree');
    expect(paths.vmlinuz).toBe(join(cacheDir, 'aarch64', 'vmlinuz'));
    expect(paths.modulesDir).toBe(join(tree, 'lib', 'modules', '6.1.0-99-cloud-arm64'));
    expect(paths.kernelConfig).toBe(join(tree, 'boot', 'config-6.1.0-99-cloud-arm64'));
    expect(paths.kvmModules).toBeNull();
    expect(paths.hostBusyboxTree).toBe(join(cacheDir, 'aarch64', 'host-busybox-tree'));
  });

  it('accepts x86_64 and aarch64 and refuses other architectures by name', () => {
    expect(parseGuestArch('x86_64')).toBe('x86_64');
    expect(parseGuestArch('aarch64')).toBe('aarch64');
    expect(() => parseGuestArch('arm64')).toThrow(UnsupportedGuestArchError);
    expect(() => parseGuestArch('amd64')).toThrow(/use one of: x86_64, aarch64/);
  });
});
