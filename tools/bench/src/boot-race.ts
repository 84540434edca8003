/**
 * Boot-time race (issue #3): wall time from process start to the inner guest's `/init` marker
 * (`VMM-GUEST-INIT-OK`) for vmm and for `qemu-system-x86_64 -M microvm -accel kvm`, side by side
 * in the same outer host and the same run: the nested KVM test bed of @vmm/e2e (an outer Linux
 * host emulated by QEMU under TCG) boots an outer image that also holds Debian's QEMU, and a
 * runner in the outer host starts vmm and QEMU alternately with the same inner kernel, initramfs,
 * kernel command line and RAM, timing each from spawn to the marker with its own clock.
 *
 * Usage: node dist/boot-race.js [--runs N] [--quiet-kernel] [--watchdog SECONDS] [--quiet]
 *                                [--trace-kvm] [--keep-freed-memory]
 *
 * The outer host zeroes the memory each candidate frees (`init_on_free=1`, see
 * `BOOT_RACE_OUTER_KERNEL_ARGS`), so that no run inherits the emulator's translations of the
 * runs before it; `--keep-freed-memory` races without that, as the race did until 2026-12-04.
 * `--quiet-kernel` adds `quiet` to the inner kernel's command line (of both candidates).
 * `--trace-kvm` records the outer KVM's events during every run and prints their counts, and
 * for a run that fails the events themselves (a hunt for the inner guests' faults). Prints
 * the outer console live on stderr (unless `--quiet`), then the figures on stdout. Exits 0
 * when every run reached the marker, whatever the ratio (a benchmark reports, it does not judge),
 * and 1 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  buildOuterImage,
  ensureQemu,
  runScenario,
  shellQuote,
  type E2eLogger,
  type Scenario,
} from '@vmm/e2e';
import {
  BOOT_RACE_IMAGE_VARIANT,
  BOOT_RACE_KERNEL_CMDLINE,
  BOOT_RACE_QUIET_KERNEL_CMDLINE,
  BOOT_RACE_QEMU_FIRMWARE,
  BOOT_RACE_RUNNER_PATH,
  bootRaceOuterCommand,
  bootRaceOuterProfile,
  bootRacePlan,
  BOOT_RACE_MARKER_TIMEOUT_MS,
} from './boot-race-commands.js';
import { BOOT_RACE_LINE, parseBootRaceOutput, raceSummary } from './boot-race-lines.js';
import { formatBootRaceReport } from './boot-race-report.js';
import { BenchError } from './errors.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Seconds the whole race may take per round (a run of each of the three candidates), on top of
 * the outer boot.
 */
const WATCHDOG_SECONDS_PER_ROUND = 120;

/**
 * Seconds for the outer host to boot and the runner to start and finish, and room for two runs
 * that stall and are killed at the marker's deadline (one such run used to outlast the
 * watchdog, and the whole race's figures were lost).
 */
const WATCHDOG_BASE_SECONDS = 120 + (2 * BOOT_RACE_MARKER_TIMEOUT_MS) / 1000;

function positive(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new BenchError(`--${option} takes a positive whole number; got '${text}'`);
  }
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      watchdog: { type: 'string' },
      'quiet-kernel': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      'trace-kvm': { type: 'boolean', default: false },
      'keep-freed-memory': { type: 'boolean', default: false },
    },
  });
  const runs = positive(values.runs, 'runs');
  const watchdogSeconds =
    values.watchdog === undefined
      ? WATCHDOG_BASE_SECONDS + runs * WATCHDOG_SECONDS_PER_ROUND
      : positive(values.watchdog, 'watchdog');
  const profile = bootRaceOuterProfile(values['keep-freed-memory']);
  const log: E2eLogger = (message) => process.stderr.write(`bench: ${message}\n`);

  await ensureQemu(profile, log);
  const image = await buildOuterImage({
    arch: profile.arch,
    log,
    variant: BOOT_RACE_IMAGE_VARIANT,
    qemu: { firmware: BOOT_RACE_QEMU_FIRMWARE },
    extraFiles: [
      {
        path: BOOT_RACE_RUNNER_PATH,
        data: await readFile(join(here, 'boot-race-runner.js')),
      },
    ],
  });
  if (image.qemuBinary === null) {
    throw new BenchError('the outer image was built without QEMU');
  }
  const cmdline = values['quiet-kernel']
    ? BOOT_RACE_QUIET_KERNEL_CMDLINE
    : BOOT_RACE_KERNEL_CMDLINE;
  const plan = {
    ...bootRacePlan({ runs, qemuBinary: image.qemuBinary, cmdline }),
    traceKvm: values['trace-kvm'],
  };
  const scenario: Scenario = {
    name: 'boot-race',
    description: 'vmm and QEMU microvm boot the same inner guest in turn, timed in the outer host',
    command: { kind: 'outer-shell', command: bootRaceOuterCommand(plan) },
    steps: [
      {
        kind: 'expect',
        what: `the race's result line (${BOOT_RACE_LINE.result})`,
        pattern: `^${BOOT_RACE_LINE.result} .*$`,
        flags: 'm',
      },
    ],
    expectedExitCode: 0,
    watchdogMs: watchdogSeconds * 1000,
  };
  const outerKernelArgs = profile.outerKernelArgs.join(' ') || '(none)';
  log(`${runs} runs each, alternating vmm and QEMU; kernel command line '${cmdline}'`);
  log(`outer kernel arguments added to the test bed's: ${outerKernelArgs}`);
  const result = await runScenario({
    scenario,
    profile,
    image,
    log,
    onOutput: values.quiet ? undefined : (text) => process.stderr.write(text),
  });
  const parsed = parseBootRaceOutput(result.transcript.innerOutput);
  for (const note of result.notes) console.log(`note: ${note}`);
  for (const problem of parsed.problems) console.log(`problem: ${problem}`);
  if (parsed.failure !== null) console.log(`runner failed: ${parsed.failure}`);
  for (const line of parsed.logs) console.log(`log: ${line}`);
  const summary = raceSummary(
    parsed,
    plan.candidates.map((candidate) => candidate.name),
    plan.milestones,
  );
  if (parsed.summary === null && summary !== null) {
    console.log(
      `note: the runner ended before its result line; the figures are of the ` +
        `${parsed.runs.length} runs it reported`,
    );
  }
  if (summary === null) {
    for (const failure of result.failures) console.log(`failure: ${failure}`);
    throw new BenchError(
      `the race produced no result line; the outer console is in ${result.runDir}/console.log`,
    );
  }
  console.log(formatBootRaceReport(summary, parsed.runs, plan).trimEnd());
  console.log(`  inner kernel command line of both: ${cmdline}`);
  console.log(`  outer kernel arguments added to the test bed's: ${outerKernelArgs}`);
  for (const candidate of plan.candidates) {
    console.log(`  ${candidate.name}: ${candidate.argv.map(shellQuote).join(' ')}`);
  }
  for (const failure of result.failures) console.log(`failure: ${failure}`);
  return result.passed && parsed.runs.every((run) => run.error === null) ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`boot-race: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
