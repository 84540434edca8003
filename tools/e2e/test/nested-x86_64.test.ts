import { GUEST_INIT_MARKER } from '@vmm/guest-tools';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOuterImage, type OuterImage, type ScenarioResult } from '../src/index.js';
import {
  NESTED_TEST_MS as TEST_MS,
  OUTER_PANIC_SCENARIO,
  expectOuterHostWorked as expectOuterHost,
  nestedLog as log,
  nestedSkipReason,
  runNested,
} from './fixtures/nested-suite.js';

/**
 * The real thing: QEMU (TCG) boots the Debian kernel with KVM modules, vmm runs in it and boots
 * the inner guest. Slow (tens of seconds per scenario), so each test has a 150 s limit and runs
 * its scenario within a 140 s budget (both attempts, when the outer kernel panics).
 */
const qemuProblem = await nestedSkipReason('x86_64');

describe.skipIf(qemuProblem !== null)('nested x86_64: vmm in a KVM host emulated by QEMU', () => {
  let image: OuterImage;
  beforeAll(async () => {
    image = await buildOuterImage({ arch: 'x86_64', log });
  }, 300_000);

  const run = (scenario: Parameters<typeof runNested>[2]): Promise<ScenarioResult> =>
    runNested('x86_64', image, scenario);
  const expectOuterHostWorked = (result: ScenarioResult): void =>
    expectOuterHost(result, /Nested Paging enabled/);

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
      // The profile hides XSAVE (`--hide-cpu-feature xsave`), which this outer host breaks.
      expect(inner).not.toContain('XSAVE consistency problem');
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
      const result = await run(OUTER_PANIC_SCENARIO);
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
