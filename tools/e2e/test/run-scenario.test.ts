import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OuterSession,
  SCENARIOS,
  runScenario,
  summarizeResult,
  type Scenario,
} from '../src/index.js';
import { FAKE_RELEASE, createFakeQemu, type FakeQemu } from './fixtures/fake-qemu.js';

const fakes: FakeQemu[] = [];
function fake(...plan: Parameters<typeof createFakeQemu>[0]): FakeQemu {
  const created = createFakeQemu(plan);
  fakes.push(created);
  return created;
}
afterEach(() => {
  for (const created of fakes.splice(0)) {
    rmSync(dirname(created.runsDir), { recursive: true, force: true });
  }
});

function run(qemu: FakeQemu, scenario: Scenario | string, logs: string[] = []) {
  return runScenario({
    scenario,
    profile: qemu.profile,
    image: qemu.image,
    runsDir: qemu.runsDir,
    log: (message) => logs.push(message),
  });
}

/** A scenario that runs `command` in the outer host's shell and expects it to exit 0. */
function outerCommand(command: string, watchdogMs: number): Scenario {
  return {
    name: 'outer-command',
    description: `the outer host's command \`${command}\``,
    command: { kind: 'outer-shell', command },
    steps: [],
    expectedExitCode: 0,
    watchdogMs,
  };
}

describe('runScenario with a stand-in QEMU', () => {
  it('passes boot-poweroff, with the inner output, exit status and timings', async () => {
    const result = await run(fake({ kind: 'normal' }), 'boot-poweroff');
    expect(result.failures).toEqual([]);
    expect(result.hints).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.retried).toBe(false);
    expect(result.transcript.outerReady).toBe(true);
    expect(result.transcript.vmmExitCode).toBe(0);
    expect(result.transcript.outerKvmLog).toEqual(['[    3.9] SVM: kvm: Nested Paging enabled']);
    expect(result.transcript.innerOutput).toContain(`uname-r: ${FAKE_RELEASE}\n`);
    expect(result.outerKernelFault).toBeNull();
    expect(result.timings.outerBootMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.vmmToInnerInitMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.vmmRunMs).toBeGreaterThanOrEqual(result.timings.vmmToInnerInitMs ?? 0);
    expect(summarizeResult(result)).toMatch(/^boot-poweroff \[x86_64\]: passed in /);
  });

  it('types into the inner shell and sees the random token, whole though a kernel record cut its line', async () => {
    const result = await run(fake({ kind: 'normal' }), 'interactive');
    expect(result.failures).toEqual([]);
    expect(result.transcript.innerOutput).not.toMatch(/^e2e-[0-9a-f]{8}$/m);
    expect(result.transcript.innerProgramOutput).toMatch(/^e2e-[0-9a-f]{8}$/m);
  });

  it('reports a wrong vmm exit status in words', async () => {
    const result = await run(fake({ kind: 'normal', exitCode: 0 }), 'reboot');
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      'vmm exited with 0 (the guest powered off); expected 3 (the guest rebooted)',
    ]);
  });

  it("reports an outer shell command's exit status as its own, not vmm's", async () => {
    const scenario = outerCommand('echo vmm.test=poweroff; exit 1', 60_000);
    const result = await run(fake({ kind: 'normal', exitCode: 1 }), scenario);
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual(['the outer command exited with 1; expected 0']);
  });

  it('retries once after an outer kernel panic, and says so', async () => {
    const logs: string[] = [];
    const result = await run(fake({ kind: 'panic' }, { kind: 'normal' }), 'boot-poweroff', logs);
    expect(result.passed).toBe(true);
    expect(result.retried).toBe(true);
    expect(result.attempts.map((attempt) => attempt.passed)).toEqual([false, true]);
    expect(result.attempts[0]?.outerKernelFault).toMatchObject({
      kind: 'panic',
      source: 'kernel-log',
    });
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0]).toMatch(/^attempt 1: .*panic .*corrupted stack end.*; retrying once/);
    expect(logs.some((line) => line.includes('retrying once'))).toBe(true);
  });

  it('fails when the outer kernel panics on the retry too', async () => {
    const result = await run(fake({ kind: 'panic' }), 'boot-poweroff');
    expect(result.passed).toBe(false);
    expect(result.attempts).toHaveLength(2);
    expect(result.failures[0]).toMatch(/^the outer host's kernel panicked: .*corrupted stack end/);
  });

  it('stops a hung outer host with the watchdog and says how far it got', async () => {
    const scenario = { ...SCENARIOS['boot-poweroff']!, watchdogMs: 1500 };
    const started = Date.now();
    const result = await run(fake({ kind: 'hang' }), scenario);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.watchdogFired).toBe(true);
    expect(result.qemu.stoppedBy).toBe('watchdog');
    expect(result.failures.at(-1)).toBe(
      'the watchdog stopped QEMU after 1.5 s; last marker seen: E2E-OUTER-INIT',
    );
    expect(result.retried).toBe(false);
  });

  it('takes an outer host that prints nothing before the watchdog for a freeze and retries once', async () => {
    const scenario = { ...SCENARIOS['boot-poweroff']!, watchdogMs: 1500 };
    const result = await run(fake({ kind: 'silent' }, { kind: 'normal' }), scenario);
    expect(result.passed).toBe(true);
    expect(result.retried).toBe(true);
    const first = result.attempts[0]!;
    expect(first.outerKernelFault).toMatchObject({ kind: 'freeze', source: 'watchdog' });
    expect(first.failures[0]).toBe(
      'the outer host stopped responding: no console output at all in 1.5 s, though the outer host boots in a few',
    );
  });

  it('gives the command a deadline the outer host enforces, before the watchdog', async () => {
    const result = await run(fake({ kind: 'normal' }), 'boot-poweroff');
    const watchdogSeconds = SCENARIOS['boot-poweroff']!.watchdogMs / 1000;
    expect(result.commandDeadlineSeconds).toBeGreaterThan(watchdogSeconds - 20);
    expect(result.commandDeadlineSeconds).toBeLessThanOrEqual(watchdogSeconds - 15);
  });

  it('says so when the outer host kills a hung vmm at its deadline, and does not retry', async () => {
    const scenario = { ...SCENARIOS['boot-poweroff']!, watchdogMs: 3000 };
    const result = await run(fake({ kind: 'inner-hang' }), scenario);
    expect(result.commandDeadlineSeconds).toBe(2);
    expect(result.watchdogFired).toBe(false);
    expect(result.outerKernelFault).toBeNull();
    expect(result.retried).toBe(false);
    expect(result.failures).toContain(
      'vmm exited with 137 (killed by signal 9); expected 0 (the guest powered off) ' +
        '(the outer host killed it at its 2 s deadline: vmm or the inner guest hung)',
    );
  });

  it('says the outer command hung, not vmm, when the deadline kills an outer shell command', async () => {
    const result = await run(fake({ kind: 'inner-hang' }), outerCommand('sleep 1000', 3000));
    expect(result.failures).toEqual([
      'the outer command exited with 137; expected 0 ' +
        '(the outer host killed it at its 2 s deadline: the command hung)',
    ]);
  });

  it('takes silence past the deadline for a frozen outer host and retries once', async () => {
    const logs: string[] = [];
    const scenario = { ...SCENARIOS['boot-poweroff']!, watchdogMs: 2500 };
    const qemu = fake({ kind: 'freeze-after-begin' }, { kind: 'normal' });
    const result = await run(qemu, scenario, logs);
    expect(result.passed).toBe(true);
    expect(result.retried).toBe(true);
    const first = result.attempts[0]!;
    expect(first.watchdogFired).toBe(true);
    expect(first.hints).toEqual([]);
    expect(first.outerKernelFault).toMatchObject({ kind: 'freeze', source: 'watchdog' });
    expect(first.failures[0]).toMatch(/^the outer host stopped responding: no exit status /);
    expect(result.notes[0]).toMatch(
      /^attempt 1: the outer host stopped responding \(.*; retrying once/,
    );
    expect(logs.some((line) => line.includes('retrying once'))).toBe(true);
  });

  it('takes QEMU ending in the middle of the command for an outer reset and retries once', async () => {
    const qemu = fake({ kind: 'reset-after-begin' }, { kind: 'normal' });
    const result = await run(qemu, 'boot-poweroff');
    expect(result.passed).toBe(true);
    expect(result.retried).toBe(true);
    const first = result.attempts[0]!;
    expect(first.outerKernelFault).toMatchObject({ kind: 'reset', source: 'qemu' });
    expect(first.hints).toEqual([]);
    expect(first.failures[0]).toMatch(/^the outer host reset itself: QEMU ended by itself/);
    expect(result.notes[0]).toMatch(/^attempt 1: the outer host reset itself \(.*; retrying once/);
  });

  it('retries an attempt whose inner guest triple-faulted once, and says so', async () => {
    const qemu = fake({ kind: 'inner-triple-fault' }, { kind: 'normal' });
    const result = await run(qemu, 'boot-poweroff');
    expect(result.passed).toBe(true);
    expect(result.retried).toBe(true);
    expect(result.attempts[0]!.outerKernelFault).toBeNull();
    expect(result.notes[0]).toBe(
      'attempt 1: the inner guest triple-faulted ("vmm: guest triple-faulted on vCPU 0 ' +
        '(rip=0xfff0 rsp=0x0 cs=0xf000)"); retrying once (the emulated SVM occasionally ' +
        "resumes the inner guest with the outer host's state)",
    );
  });

  it('retries an attempt whose inner guest stalled mid-line before its marker, and says so', async () => {
    const scenario = { ...SCENARIOS['boot-poweroff']!, watchdogMs: 3000 };
    const result = await run(fake({ kind: 'inner-stall' }, { kind: 'normal' }), scenario);
    expect(result.passed).toBe(true);
    expect(result.notes[0]).toBe(
      'attempt 1: the inner guest stalled in mid-line before its /init marker ' +
        '("[    1.98] NET: Registered PF_NETLINK/PF_ROUTE protocol famil"); retrying once ' +
        "(the emulated SVM occasionally resumes the inner guest with the outer host's state)",
    );
  });

  it('retries an attempt whose guest the outer host found looping inside KVM, and says so', async () => {
    const scenario = { ...SCENARIOS['interactive']!, watchdogMs: 6000 };
    const qemu = fake({ kind: 'inner-loop-at-prompt' }, { kind: 'normal' });
    const result = await run(qemu, scenario);
    expect(result.passed).toBe(true);
    expect(result.retried).toBe(true);
    const first = result.attempts[0]!;
    expect(first.innerEmulationLoop).toBe(
      'VM 123-11: exits +41184, insn_emulation +40702, pf_guest +41075 in a second',
    );
    expect(first.hints).toContain(
      'KVM counters of VM 123-11 over a second, 3 s before the deadline: ' +
        'exits +41184, pf_guest +41075, insn_emulation +40702',
    );
    expect(result.notes[0]).toMatch(
      /^attempt 1: the inner guest was looping inside KVM when it was killed \(VM 123-11: .*\); retrying once/,
    );
  });

  it('fails at once a guest found waiting at its prompt (vmm stopped feeding it), with its counters', async () => {
    const scenario = { ...SCENARIOS['interactive']!, watchdogMs: 6000 };
    const result = await run(fake({ kind: 'inner-wait-at-prompt' }), scenario);
    expect(result.passed).toBe(false);
    expect(result.attempts).toHaveLength(1);
    expect(result.innerEmulationLoop).toBeNull();
    expect(result.hints).toContain(
      'KVM counters of VM 123-11 over a second, 3 s before the deadline: ' +
        'exits +250, halt_exits +240',
    );
  });

  it('fails a scenario whose inner guest triple-faults twice', async () => {
    const result = await run(fake({ kind: 'inner-triple-fault' }), 'boot-poweroff');
    expect(result.passed).toBe(false);
    expect(result.attempts).toHaveLength(2);
    expect(result.failures).toContain(
      'vmm exited with 4 (the guest crashed); expected 0 (the guest powered off)',
    );
  });

  it('reports an outer host that cannot run the test', async () => {
    const result = await run(fake({ kind: 'outer-fail' }), 'boot-poweroff');
    expect(result.failures).toEqual([
      'the outer host could not run the test: no /dev/kvm after loading the KVM modules',
    ]);
  });
});

describe('OuterSession with a stand-in QEMU', () => {
  it('waits forward through the console, sends lines and timestamps markers', async () => {
    const qemu = fake({ kind: 'normal' });
    const session = await OuterSession.start({
      profile: qemu.profile,
      image: qemu.image,
      runDir: qemu.runsDir,
      watchdogMs: 10_000,
    });
    await session.waitFor(/^E2E-OUTER-READY$/m);
    session.send('vmm --cmdline "console=ttyS0"\n');
    const prompt = await session.waitFor(/[#$] $/);
    expect(prompt[0]).toBe('# ');
    await expect(session.waitFor(/E2E-OUTER-READY/, 200)).rejects.toThrow(/timed out/);
    session.send(`echo 'a'"b"\n`);
    await expect(session.waitFor(/^ab$/m, 300)).rejects.toThrow(/timed out/);
    await session.waitFor(/^ab$/m, undefined, 'skip');
    await expect(session.waitFor(/hrtimer/, 200)).rejects.toThrow(/timed out/);
    session.send('poweroff -f\n');
    const exit = await session.exited;
    expect(exit).toMatchObject({ code: 0, stoppedBy: null });
    expect(Object.keys(session.markerTimes)).toEqual([
      'E2E-OUTER-INIT',
      'E2E-OUTER-READY',
      'E2E-VMM-BEGIN',
      'VMM-GUEST-INIT-OK',
      'E2E-VMM-EXIT',
    ]);
    expect(session.output).not.toContain('\r');
    await expect(session.waitFor(/never/)).rejects.toThrow(/QEMU exited first/);
    expect(() => session.send('x')).toThrow(/QEMU has exited/);
    expect(await session.readKernelLog()).toContain('Linux version fake');
  });
});
