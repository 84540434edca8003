import { describe, expect, it } from 'vitest';
import { CLI_USAGE, runCli } from '../src/index.js';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('vmm-e2e command line', () => {
  it('prints its usage for --help', async () => {
    expect(await cli('--help')).toEqual({ code: 0, stdout: CLI_USAGE, stderr: '' });
  });

  it('lists the scenarios with their descriptions', async () => {
    const { code, stdout } = await cli('list');
    expect(code).toBe(0);
    expect(stdout.split('\n').map((line) => line.split(' ')[0])).toEqual([
      'vmm-help',
      'boot-poweroff',
      'interactive',
      'smp-interactive',
      'reboot',
      '',
    ]);
  });

  it('rejects unknown commands, options and a bad watchdog with exit code 2', async () => {
    expect(await cli('fly')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown command 'fly'/),
    });
    expect(await cli()).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no command given/),
    });
    expect((await cli('run', '--bogus')).code).toBe(2);
    expect(await cli('run', '--watchdog', '-3')).toMatchObject({ code: 2 });
  });

  it('fails with one line for an unknown scenario or architecture', async () => {
    expect(await cli('run', '--scenario', 'nope')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "vmm-e2e: unknown scenario 'nope'; use one of: vmm-help, boot-poweroff, interactive, smp-interactive, reboot\n",
    });
    expect((await cli('run', '--arch', 'mips')).stderr).toBe(
      "vmm-e2e: unknown architecture 'mips'; use one of: x86_64, aarch64\n",
    );
  });
});
