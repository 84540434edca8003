import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  E2E_ARCH_PROFILES,
  E2eError,
  SCENARIOS,
  compileExpectStep,
  escapeRegExp,
  fillPlaceholders,
  findScenario,
  outerCommandLine,
  withOuterDeadline,
  shellQuote,
  type ScenarioValues,
} from '../src/index.js';

const VALUES: ScenarioValues = {
  token: '0a1b2c3d',
  kernelRelease: '6.1.0-56-cloud-amd64',
  unameMachine: 'x86_64',
};

describe('placeholders', () => {
  it('fills {token}, {kernelRelease} and {unameMachine}, leaving quantifiers alone', () => {
    expect(fillPlaceholders('echo {token} {unameMachine} x{2,3}', VALUES)).toBe(
      'echo 0a1b2c3d x86_64 x{2,3}',
    );
  });

  it('refuses an unknown placeholder', () => {
    expect(() => fillPlaceholders('{tokn}', VALUES)).toThrow(E2eError);
    expect(() => fillPlaceholders('{tokn}', VALUES)).toThrow(/unknown placeholder \{tokn\}/);
  });

  it('escapes values in patterns, so a release matches only itself', () => {
    const pattern = compileExpectStep(
      { kind: 'expect', what: 'release', pattern: '^uname-r: {kernelRelease}$', flags: 'm' },
      VALUES,
    );
    expect(pattern.test('x\nuname-r: 6.1.0-56-cloud-amd64\n')).toBe(true);
    expect(pattern.test('uname-r: 6x1.0-56-cloud-amd64')).toBe(false);
    expect(escapeRegExp('a.b*c(d)[e]{f}|g\\h/')).toBe('a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|g\\\\h\\/');
  });
});

describe('SCENARIOS', () => {
  it('are named by their keys and all compile', () => {
    for (const [key, scenario] of Object.entries(SCENARIOS)) {
      expect(scenario.name).toBe(key);
      expect(scenario.watchdogMs).toBeLessThanOrEqual(90_000);
      for (const step of scenario.steps) {
        if (step.kind === 'expect') {
          expect(compileExpectStep(step, VALUES)).toBeInstanceOf(RegExp);
        } else {
          expect(fillPlaceholders(step.text, VALUES)).not.toMatch(/\{\w+\}/);
        }
      }
    }
    expect(Object.keys(SCENARIOS)).toEqual([
      'vmm-help',
      'boot-poweroff',
      'interactive',
      'smp-interactive',
      'reboot',
    ]);
  });

  it('expect power-off (0) or reboot (3) from vmm', () => {
    expect(SCENARIOS['boot-poweroff']?.expectedExitCode).toBe(0);
    expect(SCENARIOS.interactive?.expectedExitCode).toBe(0);
    expect(SCENARIOS.reboot?.expectedExitCode).toBe(3);
  });

  it('type a command whose echo differs from its output in the interactive scenario', () => {
    const steps = SCENARIOS.interactive!.steps;
    const [typed] = steps.flatMap((step) =>
      step.kind === 'send' ? [fillPlaceholders(step.text, VALUES)] : [],
    );
    const [output] = steps.flatMap((step) =>
      step.kind === 'expect' && step.pattern.includes('{token}') ? [step] : [],
    );
    const pattern = compileExpectStep(output!, VALUES);
    expect(pattern.test(typed!)).toBe(false);
    expect(pattern.test(`${typed}e2e-${VALUES.token}\n`)).toBe(true);
  });

  it('findScenario names the known scenarios for an unknown one', () => {
    expect(findScenario('reboot').name).toBe('reboot');
    expect(() => findScenario('nope')).toThrow(
      "unknown scenario 'nope'; use one of: vmm-help, boot-poweroff, interactive, smp-interactive, reboot",
    );
  });
});

describe('withOuterDeadline', () => {
  it('wraps a command line in busybox timeout with SIGKILL, quoting it for sh -c', () => {
    expect(withOuterDeadline("vmm --cmdline 'console=ttyS0 quiet'", 75)).toBe(
      `timeout -s KILL 75 sh -c 'vmm --cmdline '\\''console=ttyS0 quiet'\\'''`,
    );
  });

  it('has the outer host look at the VMs 3 s before a deadline that leaves room for it', () => {
    const target = { script: '/bin/e2e-stall-snapshot', device: '/dev/ttyS1' };
    expect(withOuterDeadline('vmm --help', 75, target)).toBe(
      '( sleep 72; /bin/e2e-stall-snapshot >/dev/ttyS1 2>&1 ) >/dev/null 2>&1 & snapshot_job=$!; ' +
        "timeout -s KILL 75 sh -c 'vmm --help'; command_status=$?; " +
        'kill $snapshot_job 2>/dev/null; (exit $command_status)',
    );
    expect(withOuterDeadline('vmm', 3, target)).toBe('timeout -s KILL 3 sh -c vmm');
  });

  it('keeps the exit status of the command it wraps, with the look in the background', () => {
    const target = { script: 'true', device: '/dev/null' };
    for (const status of [0, 3, 137]) {
      const line = withOuterDeadline(`exit ${status}`, 10, target).replaceAll(
        'timeout -s KILL 10 ',
        '',
      );
      expect(spawnSync('sh', ['-c', line]).status).toBe(status);
    }
  });

  it('refuses a deadline that is not a whole number of seconds >= 1', () => {
    expect(() => withOuterDeadline('vmm', 0)).toThrow(RangeError);
    expect(() => withOuterDeadline('vmm', 1.5)).toThrow(RangeError);
  });
});

describe('outerCommandLine', () => {
  const profile = E2E_ARCH_PROFILES.x86_64;

  it('boots the inner guest of the image with the profile and scenario kernel arguments', () => {
    expect(outerCommandLine(profile, SCENARIOS['boot-poweroff']!.command)).toBe(
      'vmm --kernel /guest/vmlinuz --initramfs /guest/initramfs.cpio.gz --memory 256M --cpus 1' +
        " --accel kvm --hide-cpu-feature xsave --cmdline 'console=ttyS0 earlyprintk=serial,ttyS0 reboot=k panic=-1 vmm.test=poweroff'",
    );
  });

  it("adds a scenario's own vmm options after the profile's", () => {
    expect(outerCommandLine(profile, SCENARIOS['reboot']!.command)).toContain(
      ' --hide-cpu-feature xsave --kernel-decompression guest --cmdline ',
    );
  });

  it('passes plain vmm arguments and outer shell commands as they are', () => {
    expect(outerCommandLine(profile, { kind: 'args', args: ['--help'] })).toBe('vmm --help');
    const command = 'echo c > /proc/sysrq-trigger';
    expect(outerCommandLine(profile, { kind: 'outer-shell', command })).toBe(command);
  });

  it('quotes words for sh only when needed', () => {
    expect(shellQuote('256M')).toBe('256M');
    expect(shellQuote("it's a b")).toBe(`'it'\\''s a b'`);
    expect(shellQuote('')).toBe("''");
  });
});
