import { readFile } from 'node:fs/promises';
import {
  ELF_MACHINE_AARCH64,
  GUEST_INIT_MARKER,
  readCpioNewc,
  readElfHeader,
} from '@vmm/guest-tools';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  OUTER_IMAGE_LAYOUT,
  buildOuterImage,
  type OuterImage,
  type ScenarioResult,
} from '../src/index.js';
import {
  NESTED_TEST_MS as TEST_MS,
  OUTER_PANIC_SCENARIO,
  expectOuterHostWorked as expectOuterHost,
  nestedLog as log,
  nestedSkipReason,
  runNested,
} from './fixtures/nested-suite.js';

/**
 * The arm64 proof: QEMU (TCG) emulates an arm64 virt board with EL2 and a GICv3, its Debian
 * arm64 kernel has KVM built in, vmm runs there on the fetched arm64 node and boots the arm64
 * inner guest through @vmm/machine's aarch64 profile (Image loader, device tree, PL011, vGICv3,
 * in-kernel PSCI). Slow (tens of seconds per scenario): each test has a 150 s limit and runs
 * its scenario within a 140 s budget (both attempts, when the outer kernel panics).
 */
const qemuProblem = await nestedSkipReason('aarch64');

/** The inner guest's RAM in the boot scenarios (`--memory 256M`), in kB. */
const INNER_RAM_KB = 256 * 1024;

describe.skipIf(qemuProblem !== null)('nested aarch64: vmm in a KVM host emulated by QEMU', () => {
  let image: OuterImage;
  beforeAll(async () => {
    image = await buildOuterImage({ arch: 'aarch64', log });
  }, 300_000);

  const run = (scenario: Parameters<typeof runNested>[2]): Promise<ScenarioResult> =>
    runNested('aarch64', image, scenario);
  const expectOuterHostWorked = (result: ScenarioResult): void =>
    expectOuterHost(result, /kvm \[\d+\]: (VHE|Hyp) mode initialized successfully/);

  it('the outer image holds arm64 node, glibc and koffi, and no x64 prebuild', async () => {
    const records = readCpioNewc(await readFile(image.initrd));
    const byName = new Map(records.map((record) => [record.name, record]));
    const machineOf = (name: string): number | undefined => {
      const record = byName.get(name);
      return record === undefined ? undefined : readElfHeader(record.data, name).machine;
    };
    expect(machineOf(OUTER_IMAGE_LAYOUT.node.slice(1))).toBe(ELF_MACHINE_AARCH64);
    expect(machineOf('lib/ld-linux-aarch64.so.1')).toBe(ELF_MACHINE_AARCH64);
    expect(machineOf('lib/aarch64-linux-gnu/libc.so.6')).toBe(ELF_MACHINE_AARCH64);
    expect(machineOf('lib/aarch64-linux-gnu/libstdc++.so.6')).toBe(ELF_MACHINE_AARCH64);
    const koffiModules = records.filter((record) => record.name.endsWith('/koffi.node'));
    expect(koffiModules.length).toBeGreaterThan(0);
    for (const module of koffiModules) {
      expect(readElfHeader(module.data, module.name).machine).toBe(ELF_MACHINE_AARCH64);
    }
    const link = records.find((record) =>
      /^opt\/vmm\/node_modules\/\.pnpm\/koffi@[^/]+\/node_modules\/@koromix\/koffi-linux-arm64$/.test(
        record.name,
      ),
    );
    expect(link?.data.toString()).toMatch(/^\.\.\/\.\.\/\.\.\/@koromix\+koffi-linux-arm64@/);
    expect(records.some((record) => record.name.includes('koffi-linux-x64'))).toBe(false);
    expect(byName.has('lib/modules/e2e')).toBe(false);
  });

  it(
    'vmm-help: the deployed vmm CLI runs on the arm64 node in the outer host',
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
    'boot-poweroff: the inner arm64 Linux reaches /init, reports, powers off; vmm exits 0',
    async () => {
      const result = await run('boot-poweroff');
      expectOuterHostWorked(result);
      const inner = result.transcript.innerOutput;
      expect(inner).toContain(`${GUEST_INIT_MARKER}\n`);
      expect(inner).toContain(`uname-r: ${image.kernelRelease}\n`);
      expect(inner).toContain('uname-m: aarch64\n');
      const memTotal = Number(/^MemTotal: +(\d+) kB$/m.exec(inner)?.[1]);
      expect(memTotal).toBeGreaterThan(INNER_RAM_KB * 0.75);
      expect(memTotal).toBeLessThanOrEqual(INNER_RAM_KB);
      expect(inner).toMatch(/reboot: Power down/);
      expect(inner).toContain('vmm: guest powered off');
      expect(result.timings.vmmToInnerInitMs).toBeGreaterThan(0);
      expect(result.failures).toEqual([]);
      expect(result.transcript.vmmExitCode).toBe(0);
    },
    TEST_MS,
  );

  it(
    'interactive: keystrokes reach the inner shell on the PL011 and its output comes back',
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
    'reboot: PSCI SYSTEM_RESET from the inner guest; vmm exits 3',
    async () => {
      const result = await run('reboot');
      expectOuterHostWorked(result);
      expect(result.transcript.innerOutput).toContain('vmm-init: vmm.test=reboot, rebooting');
      expect(result.transcript.innerOutput).toMatch(/reboot: Restarting system/);
      expect(result.failures).toEqual([]);
      expect(result.transcript.vmmExitCode).toBe(3);
    },
    TEST_MS,
  );

  it(
    'harness self-test: an outer kernel panic on the shared console is recognised and retried',
    async () => {
      const result = await run(OUTER_PANIC_SCENARIO);
      expect(result.passed).toBe(false);
      expect(result.retried).toBe(true);
      expect(result.attempts).toHaveLength(2);
      for (const attempt of result.attempts) {
        expect(attempt.outerKernelFault).toMatchObject({ kind: 'panic', source: 'console' });
        expect(attempt.outerKernelFault?.line).toMatch(/Kernel panic - not syncing: sysrq/);
        expect(attempt.qemu.stoppedBy).toBeNull();
        expect(attempt.hints).toEqual([]);
      }
      expect(result.notes[0]).toMatch(/^attempt 1: .*panic.*; retrying once/);
    },
    TEST_MS,
  );
});
