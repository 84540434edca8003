import { GUEST_INIT_MARKER } from '@vmm/guest-tools';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  E2E_ARCH_PROFILES,
  buildOuterImage,
  ensureQemu,
  runScenario,
  summarizeResult,
  type E2eLogger,
  type OuterImage,
  type Scenario,
  type ScenarioResult,
} from '../src/index.js';

/**
 * The real thing: QEMU (TCG) boots the Debian kernel with KVM modules, vmm runs in it and boots
 * the inner guest. Slow (tens of seconds per scenario), so each test has a 150 s limit and runs
 * its scenario within a 140 s budget (both attempts, when the outer kernel panics).
 */
const profile = E2E_ARCH_PROFILES.x86_64;
const log: E2eLogger = (message) => console.log(`vmm-e2e: ${message}`);
const qemuProblem = await ensureQemu(profile, log).then(
  () => null,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);
if (qemuProblem !== null) {
  console.warn(`skipping the nested x86_64 end-to-end tests: ${qemuProblem}`);
}

const TEST_MS = 150_000;
const BUDGET_MS = 140_000;

describe.skipIf(qemuProblem !== null)('nested x86_64: vmm in a KVM host emulated by QEMU', () => {
  let image: OuterImage;
  beforeAll(async () => {
    image = await buildOuterImage({ arch: 'x86_64', log });
  }, 300_000);

  async function run(scenario: Scenario | string): Promise<ScenarioResult> {
    const result = await runScenario({ scenario, image, log, budgetMs: BUDGET_MS });
    console.log(summarizeResult(result));
    return result;
  }

  function expectOuterHostWorked(result: ScenarioResult): void {
    expect(result.transcript.outerReady).toBe(true);
    expect(result.transcript.outerKvmLog.join('\n')).toMatch(/Nested Paging enabled/);
    expect(result.timings.outerBootMs).toBeGreaterThan(0);
  }

  it(
    'vmm-help: the deployed vmm CLI runs in the outer host',
    async () => {
      const result = await run('vmm-help');
      expectOuterHostWorked(result);
      expect(result.transcript.innerOutput).toMatch(/^Usage: vmm --kernel PATH/m);
      expect(result.transcript.vmmExitCode).toBe(0);
      expect(result.failures).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'boot-poweroff: the inner Linux reaches /init, reports, powers off; vmm exits 0',
    async () => {
      const result = await run('boot-poweroff');
      expectOuterHostWorked(result);
      const inner = result.transcript.innerOutput;
      expect(inner).toContain(`${GUEST_INIT_MARKER}\n`);
      expect(inner).toContain(`uname-r: ${image.kernelRelease}\n`);
      expect(inner).toContain('uname-m: x86_64\n');
      expect(inner).toMatch(/^MemTotal: +\d+ kB$/m);
      expect(result.timings.vmmToInnerInitMs).toBeGreaterThan(0);
      expect(result.failures).toEqual([]);
      expect(result.transcript.vmmExitCode).toBe(0);
    },
    TEST_MS,
  );

  it(
    'interactive: keystrokes reach the inner shell and its output comes back',
    async () => {
      const result = await run('interactive');
      expectOuterHostWorked(result);
      expect(result.transcript.innerOutput).toMatch(/^e2e-[0-9a-f]{8}$/m);
      expect(result.failures).toEqual([]);
      expect(result.transcript.vmmExitCode).toBe(0);
    },
    TEST_MS,
  );

  it(
    'reboot: the inner guest reboots; vmm exits 3',
    async () => {
      const result = await run('reboot');
      expectOuterHostWorked(result);
      expect(result.transcript.innerOutput).toContain('vmm-init: vmm.test=reboot, rebooting');
      expect(result.failures).toEqual([]);
      expect(result.transcript.vmmExitCode).toBe(3);
    },
    TEST_MS,
  );

  it(
    'harness self-test: a panic of the outer kernel is recognised and retried once',
    async () => {
      const result = await run({
        name: 'outer-panic',
        description: 'the outer kernel panics on purpose (sysrq c)',
        command: { kind: 'outer-shell', command: 'echo c > /proc/sysrq-trigger' },
        steps: [],
        expectedExitCode: 0,
        watchdogMs: 60_000,
      });
      expect(result.passed).toBe(false);
      expect(result.retried).toBe(true);
      expect(result.attempts).toHaveLength(2);
      for (const attempt of result.attempts) {
        expect(attempt.outerKernelFault).toMatchObject({ kind: 'panic', source: 'kernel-log' });
        expect(attempt.outerKernelFault?.line).toMatch(/Kernel panic - not syncing: sysrq/);
        expect(attempt.qemu.stoppedBy).toBeNull();
      }
      expect(result.notes[0]).toMatch(/^attempt 1: .*panic.*; retrying once/);
    },
    TEST_MS,
  );
});
