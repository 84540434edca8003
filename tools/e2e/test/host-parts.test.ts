import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  E2E_ARCH_PROFILES,
  findInLdconfigCache,
  UnknownNameError,
  outerKernelCmdline,
  parseE2eArch,
  parseLddOutput,
  qemuArgs,
  sharedLibraries,
} from '../src/index.js';

const LDD = `
\tlinux-vdso.so.1 (0x00007ffd5c3f2000)
\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f0a4c000000)
\tlibc.musl-x86_64.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0a4bc1e000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0a4bc1e000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f0a4c3db000)
`;

describe('parseLddOutput', () => {
  it('keeps the absolute library and loader paths once, without vDSO or missing ones', () => {
    expect(parseLddOutput(LDD)).toEqual([
      '/lib/x86_64-linux-gnu/libstdc++.so.6',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });
});

describe('findInLdconfigCache', () => {
  const CACHE = `1234 libs found in cache \`/etc/ld.so.cache'
\tliblz4.so.1 (libc6) => /lib/i386-linux-gnu/liblz4.so.1
\tliblz4.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/liblz4.so.1
\tliblz4.so (libc6,x86-64) => /lib/x86_64-linux-gnu/liblz4.so
`;

  it("finds the library of this host's word size", () => {
    expect(findInLdconfigCache(CACHE, 'liblz4.so.1', 'x64')).toBe(
      '/lib/x86_64-linux-gnu/liblz4.so.1',
    );
    expect(findInLdconfigCache(CACHE, 'liblz4.so.1', 'arm64')).toBe(
      '/lib/i386-linux-gnu/liblz4.so.1',
    );
  });

  it('finds nothing for a library the cache does not have', () => {
    expect(findInLdconfigCache(CACHE, 'libzstd.so.1', 'x64')).toBeUndefined();
  });
});

describe('sharedLibraries', () => {
  it('lists the libraries of this node binary, the C library among them', async () => {
    const libraries = await sharedLibraries([process.execPath]);
    expect(libraries.some((path) => /\/libc\.so\.6$/.test(path))).toBe(true);
    expect(libraries.every((path) => existsSync(path))).toBe(true);
  });
});

describe('qemuArgs', () => {
  const profile = E2E_ARCH_PROFILES.x86_64;
  const args = qemuArgs(profile, {
    kernel: '/k/vmlinuz',
    initrd: '/k/outer.cpio',
    kernelLogFile: '/runs/a,b/outer-kernel.log',
  });
  const after = (flag: string): string[] =>
    args.flatMap((arg, index) => (arg === flag ? [args[index + 1] ?? ''] : []));

  it('emulates a CPU with virtualization and reboots into an exit', () => {
    expect(args.slice(0, 6)).toEqual(['-machine', 'pc', '-accel', 'tcg', '-cpu', 'max']);
    expect(args).toContain('-no-reboot');
    expect(args).toContain('-nodefaults');
    expect(after('-m')).toEqual(['2048M']);
    expect(after('-smp')).toEqual(['2']);
  });

  it('wires ttyS0 to stdio and ttyS1 to the kernel log file (commas escaped)', () => {
    expect(after('-chardev')).toEqual([
      'stdio,id=console,signal=off',
      'file,id=kernel-log,path=/runs/a,,b/outer-kernel.log',
    ]);
    expect(after('-serial')).toEqual(['chardev:console', 'chardev:kernel-log']);
  });

  it('boots the given kernel and initrd with the outer command line', () => {
    expect(after('-kernel')).toEqual(['/k/vmlinuz']);
    expect(after('-initrd')).toEqual(['/k/outer.cpio']);
    expect(after('-append')).toEqual([outerKernelCmdline(profile)]);
    expect(outerKernelCmdline(profile)).toBe('console=ttyS1 rdinit=/init panic=-1 quiet');
  });

  it("appends the profile's outer kernel arguments", () => {
    const scrubbing = { ...profile, outerKernelArgs: ['init_on_free=1'] };
    expect(outerKernelCmdline(scrubbing)).toBe(
      'console=ttyS1 rdinit=/init panic=-1 quiet init_on_free=1',
    );
    const scrubbingArgs = qemuArgs(scrubbing, { kernel: 'k', initrd: 'i', kernelLogFile: 'l' });
    expect(scrubbingArgs[scrubbingArgs.indexOf('-append') + 1]).toMatch(/ init_on_free=1$/);
  });

  it('puts the kernel log on the console port when the machine has one port', () => {
    const single = { ...profile, kernelLogPort: null };
    expect(outerKernelCmdline(single)).toMatch(/^console=ttyS0 /);
    const singleArgs = qemuArgs(single, { kernel: 'k', initrd: 'i', kernelLogFile: 'l' });
    expect(singleArgs.filter((arg) => arg === '-serial')).toHaveLength(1);
  });
});

describe('parseE2eArch', () => {
  it('accepts x86_64 and aarch64 and names the known ones otherwise', () => {
    expect(parseE2eArch('x86_64')).toBe('x86_64');
    expect(parseE2eArch('aarch64')).toBe('aarch64');
    expect(() => parseE2eArch('riscv64')).toThrow(UnknownNameError);
    expect(() => parseE2eArch('riscv64')).toThrow(
      "unknown architecture 'riscv64'; use one of: x86_64, aarch64",
    );
  });
});
