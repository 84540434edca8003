import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderOuterInit, renderVmmWrapper } from '../src/index.js';

const MODULES = [
  '/lib/modules/e2e/irqbypass.ko',
  '/lib/modules/e2e/kvm.ko',
  '/lib/modules/e2e/kvm-amd.ko',
];
const script = renderOuterInit({
  consoleDevice: 'ttyS0',
  modules: MODULES,
  silenceKernelConsole: false,
});
const lines = script.split('\n');

describe('renderOuterInit', () => {
  it('is a shell script that sh accepts', () => {
    expect(lines[0]).toBe('#!/bin/sh');
    const check = spawnSync('sh', ['-n'], { input: script });
    expect(check.status, check.stderr.toString()).toBe(0);
  });

  it('moves its stdio to the console port before printing anything', () => {
    const redirect = lines.indexOf('exec </dev/ttyS0 >/dev/ttyS0 2>&1');
    expect(redirect).toBeGreaterThan(0);
    expect(lines.findIndex((line) => line.startsWith('echo '))).toBeGreaterThan(redirect);
  });

  it('loads the modules in order and checks /dev/kvm before it is ready', () => {
    const insmods = lines.filter((line) => line.startsWith('insmod '));
    expect(insmods.map((line) => line.split(' ')[1])).toEqual(MODULES);
    expect(insmods[0]).toMatch(/\|\| fail "insmod .* failed/);
    const kvmCheck = lines.findIndex((line) => line.includes('[ -c /dev/kvm ]'));
    const ready = lines.indexOf('echo E2E-OUTER-READY');
    expect(kvmCheck).toBeGreaterThan(lines.indexOf(insmods.at(-1)!));
    expect(ready).toBeGreaterThan(kvmCheck);
  });

  it('reads one command, brackets it with the begin and exit markers, then powers off', () => {
    const tail = lines.slice(lines.indexOf('echo E2E-OUTER-READY'));
    expect(tail).toEqual([
      'echo E2E-OUTER-READY',
      'IFS= read -r command || fail "the console closed before a command line arrived"',
      'echo E2E-VMM-BEGIN',
      'eval "$command"',
      'status=$?',
      'echo',
      'echo "E2E-VMM-EXIT=$status"',
      'poweroff -f',
      '',
    ]);
  });

  it('silences the kernel console only when asked (shared console port)', () => {
    expect(script).not.toContain('dmesg -n 1');
    const shared = renderOuterInit({
      consoleDevice: 'ttyAMA0',
      modules: [],
      silenceKernelConsole: true,
    });
    expect(shared).toContain('dmesg -n 1\necho E2E-OUTER-READY');
    expect(shared).not.toContain('insmod');
  });

  it('runs a failing step through fail(), which prints the failure marker and powers off', () => {
    const body = [
      'poweroff() { echo "poweroff $*"; exit 0; }',
      lines.find((line) => line.startsWith('fail()')),
      'false || fail "no /dev/kvm"',
    ].join('\n');
    const run = spawnSync('sh', ['-c', body]);
    expect(run.stdout.toString()).toBe('E2E-OUTER-FAIL=no /dev/kvm\npoweroff -f\n');
  });
});

describe('renderVmmWrapper', () => {
  it('execs node on the CLI with the arguments passed through', () => {
    expect(renderVmmWrapper('/usr/bin/node', '/opt/vmm/dist/cli.js')).toBe(
      '#!/bin/sh\nexec /usr/bin/node /opt/vmm/dist/cli.js "$@"\n',
    );
  });
});
