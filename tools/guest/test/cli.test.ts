import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_USAGE, runCli } from '../src/cli-main.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
  });
  return { code, out, err };
}

describe('vmm-guest command line', () => {
  let saved: string | undefined;
  let cacheRoot: string;
  beforeEach(() => {
    saved = process.env.VMM_CACHE_DIR;
    cacheRoot = mkdtempSync(join(tmpdir(), 'vmm-guest-cli-'));
    process.env.VMM_CACHE_DIR = cacheRoot;
  });
  afterEach(() => {
    if (saved === undefined) {
      delete process.env.VMM_CACHE_DIR;
    } else {
      process.env.VMM_CACHE_DIR = saved;
    }
  });

  it('prints the usage for --help and -h', async () => {
    expect(await cli('--help')).toEqual({ code: 0, out: CLI_USAGE, err: '' });
    expect((await cli('fetch', '-h')).out).toBe(CLI_USAGE);
    expect(CLI_USAGE).toMatch(/fetch .*\n.*paths/);
  });

  it('prints the asset paths as JSON, honouring VMM_CACHE_DIR, without fetching', async () => {
    const { code, out, err } = await cli('paths');
    expect(code).toBe(0);
    expect(err).toBe('');
    const paths = JSON.parse(out) as Record<string, unknown>;
    expect(paths.vmlinuz).toBe(join(cacheRoot, 'guest', 'x86_64', 'vmlinuz'));
    expect(paths.initramfs).toBe(join(cacheRoot, 'guest', 'x86_64', 'initramfs.cpio.gz'));
    expect(paths.ready).toBe(false);
  });

  it('fails with exit code 2 and one line for usage errors', async () => {
    for (const argv of [[], ['build'], ['fetch', 'extra'], ['paths', '--bogus']]) {
      const { code, out, err } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(/^vmm-guest: .*\(see vmm-guest --help\)\n$/);
    }
  });

  it('fails with exit code 1 and one line for an unsupported architecture', async () => {
    const { code, err } = await cli('fetch', '--arch', 'riscv64');
    expect(code).toBe(1);
    expect(err).toBe(
      "vmm-guest: guest architecture 'riscv64' is not supported; use one of: x86_64, aarch64\n",
    );
  });

  it('prints the aarch64 paths with the host assets, without fetching', async () => {
    const { code, out, err } = await cli('paths', '--arch', 'aarch64');
    expect(code).toBe(0);
    expect(err).toBe('');
    const paths = JSON.parse(out) as Record<string, unknown> & { host: Record<string, unknown> };
    expect(paths.arch).toBe('aarch64');
    expect(paths.vmlinuz).toBe(join(cacheRoot, 'guest', 'aarch64', 'vmlinuz'));
    expect(paths.ready).toBe(false);
    expect(paths.host.node).toBe(join(cacheRoot, 'guest', 'aarch64', 'host', 'node'));
    expect(paths.host.ready).toBe(false);
    const x86 = JSON.parse((await cli('paths')).out) as Record<string, unknown>;
    expect(x86.host).toBeUndefined();
  });

  it('takes --with-host only with fetch --arch aarch64', async () => {
    for (const argv of [
      ['fetch', '--with-host'],
      ['paths', '--arch', 'aarch64', '--with-host'],
    ]) {
      const { code, out, err } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(/^vmm-guest: --with-host goes with `fetch --arch aarch64` only/);
    }
    expect(CLI_USAGE).toContain('--with-host');
  });
});
