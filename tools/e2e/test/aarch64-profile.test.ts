import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  E2E_ARCH_PROFILES,
  OuterImageError,
  SCENARIOS,
  outerCommandLine,
  outerKernelCmdline,
  outerNodeSource,
  parseE2eArch,
  pnpmStoreDirName,
  qemuArgs,
  swapKoffiPrebuild,
} from '../src/index.js';

const profile = E2E_ARCH_PROFILES.aarch64;

describe('the aarch64 profile', () => {
  const args = qemuArgs(profile, {
    kernel: '/k/Image',
    initrd: '/k/outer.cpio',
    kernelLogFile: 'l',
  });

  it('emulates a virt board with EL2 and a GICv3, and a CPU without pauth and SVE', () => {
    expect(args.slice(0, 6)).toEqual([
      '-machine',
      'virt,virtualization=on,gic-version=3',
      '-accel',
      'tcg',
      '-cpu',
      'max,pauth=off,sve=off',
    ]);
    expect(args).toContain('-no-reboot');
  });

  it('has one serial port, shared by the console and the outer kernel log', () => {
    expect(args.filter((arg) => arg === '-serial')).toEqual(['-serial']);
    expect(args.join(' ')).not.toContain('kernel-log');
    expect(outerKernelCmdline(profile)).toBe('console=ttyAMA0 rdinit=/init panic=-1 quiet');
  });

  it('loads no KVM modules: the arm64 kernel has KVM built in', () => {
    expect(profile.kvmModules({} as never)).toEqual([]);
  });

  it('boots the inner guest on the PL011 with warnings only', () => {
    expect(outerCommandLine(profile, SCENARIOS['boot-poweroff']!.command)).toBe(
      'vmm --kernel /guest/vmlinuz --initramfs /guest/initramfs.cpio.gz --memory 256M --cpus 1' +
        " --accel kvm --cmdline 'console=ttyAMA0 loglevel=5 panic=-1 vmm.test=poweroff'",
    );
  });

  it('is a known architecture', () => {
    expect(parseE2eArch('aarch64')).toBe('aarch64');
  });
});

describe('outerNodeSource', () => {
  it('takes this process node for an outer host of its own architecture', () => {
    expect(outerNodeSource(E2E_ARCH_PROFILES.x86_64, 'x64')).toBe('this-process');
    expect(outerNodeSource(profile, 'arm64')).toBe('this-process');
  });

  it('fetches an arm64 node for an arm64 outer host on another machine', () => {
    expect(outerNodeSource(profile, 'x64')).toBe('fetched-arm64');
  });

  it('refuses a foreign outer host it has no node for', () => {
    expect(() => outerNodeSource(E2E_ARCH_PROFILES.x86_64, 'arm64')).toThrow(OuterImageError);
    expect(() => outerNodeSource(E2E_ARCH_PROFILES.x86_64, 'arm64')).toThrow(
      'the x86_64 outer host needs a x64 node binary; this node is arm64',
    );
  });
});

describe('swapKoffiPrebuild', () => {
  const work = mkdtempSync(join(tmpdir(), 'vmm-e2e-koffi-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function writeJson(path: string, value: unknown): void {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, JSON.stringify(value));
  }

  /** A deployment laid out as `pnpm deploy` does on an x86_64 host. */
  function deployment(name: string, koffiVersion: string): string {
    const dir = join(work, name);
    const pnpm = join(dir, 'node_modules', '.pnpm');
    writeJson(join(pnpm, `koffi@${koffiVersion}`, 'node_modules', 'koffi', 'package.json'), {
      name: 'koffi',
      version: koffiVersion,
    });
    const x64 = join(pnpm, `@koromix+koffi-linux-x64@${koffiVersion}`, 'node_modules', '@koromix');
    writeJson(join(x64, 'koffi-linux-x64', 'package.json'), {
      name: '@koromix/koffi-linux-x64',
      version: koffiVersion,
    });
    mkdirSync(join(pnpm, `koffi@${koffiVersion}`, 'node_modules', '@koromix'));
    symlinkSync(
      `../../../@koromix+koffi-linux-x64@${koffiVersion}/node_modules/@koromix/koffi-linux-x64`,
      join(pnpm, `koffi@${koffiVersion}`, 'node_modules', '@koromix', 'koffi-linux-x64'),
    );
    mkdirSync(join(pnpm, 'node_modules', '@koromix'), { recursive: true });
    symlinkSync(
      `../../@koromix+koffi-linux-x64@${koffiVersion}/node_modules/@koromix/koffi-linux-x64`,
      join(pnpm, 'node_modules', '@koromix', 'koffi-linux-x64'),
    );
    return dir;
  }

  const prebuild = join(work, 'koffi-linux-arm64');
  writeJson(join(prebuild, 'package.json'), {
    name: '@koromix/koffi-linux-arm64',
    version: '3.3.4',
  });
  mkdirSync(join(prebuild, 'linux_arm64'));
  writeFileSync(join(prebuild, 'linux_arm64', 'koffi.node'), 'arm64 module');

  it('names pnpm store directories as pnpm does', () => {
    expect(pnpmStoreDirName('@koromix/koffi-linux-arm64', '3.3.4')).toBe(
      '@koromix+koffi-linux-arm64@3.3.4',
    );
  });

  it('puts the prebuild where koffi looks and removes this host prebuild', async () => {
    const dir = deployment('ok', '3.3.4');
    const pnpm = join(dir, 'node_modules', '.pnpm');
    const swapped = await swapKoffiPrebuild(dir, prebuild);
    expect(swapped).toEqual({
      name: '@koromix/koffi-linux-arm64',
      version: '3.3.4',
      dir: join(
        pnpm,
        '@koromix+koffi-linux-arm64@3.3.4',
        'node_modules',
        '@koromix/koffi-linux-arm64',
      ),
    });
    const link = join(pnpm, 'koffi@3.3.4', 'node_modules', '@koromix', 'koffi-linux-arm64');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(link, 'linux_arm64', 'koffi.node'), 'utf8')).toBe('arm64 module');
    expect(existsSync(join(pnpm, '@koromix+koffi-linux-x64@3.3.4'))).toBe(false);
    expect(
      existsSync(join(pnpm, 'koffi@3.3.4', 'node_modules', '@koromix', 'koffi-linux-x64')),
    ).toBe(false);
    expect(existsSync(join(pnpm, 'node_modules', '@koromix', 'koffi-linux-x64'))).toBe(false);
  });

  it('refuses a prebuild of another koffi version, and a deployment without koffi', async () => {
    await expect(swapKoffiPrebuild(deployment('old', '3.2.0'), prebuild)).rejects.toThrow(
      /has koffi 3\.2\.0 but .* holds @koromix\/koffi-linux-arm64 3\.3\.4/,
    );
    mkdirSync(join(work, 'empty'));
    await expect(swapKoffiPrebuild(join(work, 'empty'), prebuild)).rejects.toThrow(
      /holds no koffi package/,
    );
  });
});
