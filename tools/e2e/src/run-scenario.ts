import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { GUEST_INIT_MARKER } from '@vmm/guest-tools';
import { E2E_ARCH_PROFILES, type E2eArch, type E2eArchProfile } from './arch-profile.js';
import { e2eCacheDir } from './e2e-cache-dir.js';
import { ConsoleWaitError, E2eError } from './errors.js';
import { stderrLogger, type E2eLogger } from './logger.js';
import { diagnoseInnerOutput } from './inner-diagnosis.js';
import { innerStall } from './inner-stall.js';
import { innerTripleFault } from './inner-triple-fault.js';
import type { KernelRecords } from './kernel-records.js';
import {
  OUTER_MARKERS,
  completeLine,
  parseConsoleTranscript,
  type ConsoleTranscript,
} from './markers.js';
import { buildOuterImage, OUTER_IMAGE_LAYOUT, type OuterImage } from './outer-image.js';
import {
  describeStallSnapshot,
  innerEmulationLoop,
  readStallSnapshot,
} from './outer-stall-snapshot.js';
import {
  describeOuterFault,
  detectOuterKernelFault,
  type OuterKernelFault,
} from './outer-panic.js';
import { OuterSession, type QemuExit } from './outer-session.js';
import {
  compileExpectStep,
  fillPlaceholders,
  type Scenario,
  type ScenarioValues,
} from './scenario.js';
import { findScenario } from './scenarios.js';
import { outerCommandLine, withOuterDeadline } from './outer-command.js';
import { describeVmmExit, KILLED_AT_OUTER_DEADLINE } from './vmm-exit-codes.js';

/** How long the outer host may take to power off after vmm's exit marker. */
const POWER_OFF_GRACE_MS = 15_000;

/** How long vmm may take to exit after a scenario's last step, unless the scenario says. */
export const DEFAULT_EXIT_TIMEOUT_MS = 30_000;

/**
 * How long before the watchdog the outer host kills the command itself (at most; a quarter of
 * the time left when that is shorter). An exit status that does not come by the watchdog
 * then means the outer host stopped responding, not that vmm hung.
 */
const FREEZE_MARGIN_MS = 15_000;

/** A retry is not started with less time than this left of the budget. */
const MIN_RETRY_MS = 20_000;

/** How many run log directories the cache keeps. */
const KEPT_RUN_DIRS = 40;

/** Options for {@link runScenario}. */
export interface RunScenarioOptions {
  /** The scenario, or its name in `SCENARIOS`. */
  scenario: Scenario | string;
  /** The architecture; `x86_64` by default. */
  arch?: E2eArch;
  /**
   * The architecture profile, instead of `E2E_ARCH_PROFILES[arch]`; tests use it to put a
   * stand-in program in place of QEMU.
   */
  profile?: E2eArchProfile;
  /** A prebuilt outer image of that architecture; {@link buildOuterImage} is called otherwise. */
  image?: OuterImage;
  /** Receives progress messages; {@link stderrLogger} by default. */
  log?: E2eLogger;
  /** Receives the raw outer console output as it arrives (to show it live). */
  onOutput?: (text: string) => void;
  /** Run a second attempt when the outer kernel panics (an emulator bug); true by default. */
  retryOnOuterFault?: boolean;
  /** Overrides the scenario's watchdog, in milliseconds. */
  watchdogMs?: number;
  /**
   * The most all attempts together may take, in milliseconds: a retry's watchdog is cut to what
   * is left, and there is no retry when less than 20 s are left. Unlimited by default.
   */
  budgetMs?: number;
  /** Where each attempt's logs go (a subdirectory per attempt); `<cache>/e2e/runs` by default. */
  runsDir?: string;
}

/** Durations measured on the harness's clock, in milliseconds. */
export interface ScenarioTimings {
  /** From starting QEMU to `E2E-OUTER-READY` (outer kernel boot, modules, /dev/kvm). */
  outerBootMs: number | null;
  /** From `E2E-VMM-BEGIN` (vmm starting) to the inner guest's `VMM-GUEST-INIT-OK`. */
  vmmToInnerInitMs: number | null;
  /** From `E2E-VMM-BEGIN` to `E2E-VMM-EXIT` (the whole vmm run). */
  vmmRunMs: number | null;
  /** From starting QEMU to its exit. */
  totalMs: number;
}

/** The outcome of one attempt at a scenario (one QEMU run). */
export interface ScenarioAttempt {
  /** 1 for the first attempt, 2 for the retry. */
  attempt: number;
  /** True when every step matched, vmm ended with the expected status and the outer host held. */
  passed: boolean;
  /** Why it did not pass, one line each (empty when it passed). */
  failures: string[];
  /**
   * For a failed attempt: what the end of the inner guest's output means (see
   * `diagnoseInnerOutput`); none when the outer kernel's panic was found on a shared console
   * or the outer host froze.
   */
  hints: string[];
  /**
   * What the outer host's look at the VM before the deadline kill showed when it was the test
   * bed's known fault, the inner guest looping on emulated instructions and injected page
   * faults ({@link innerEmulationLoop}); `null` otherwise or when there was no look.
   */
  innerEmulationLoop: string | null;
  /** What the console showed: outer markers, vmm's exit status, the inner guest's output. */
  transcript: ConsoleTranscript;
  /** When each marker first appeared, in milliseconds after QEMU started. */
  markerTimes: Readonly<Record<string, number>>;
  /** Durations. */
  timings: ScenarioTimings;
  /** A panic, oops or freeze of the outer host, or `null`. */
  outerKernelFault: OuterKernelFault | null;
  /**
   * The deadline (seconds) after which the outer host kills the command (`timeout -s KILL`),
   * or `null` when the command was never sent.
   */
  commandDeadlineSeconds: number | null;
  /** True when the watchdog had to stop QEMU. */
  watchdogFired: boolean;
  /** How QEMU ended. */
  qemu: QemuExit;
  /** The directory holding this attempt's `console.log` and `outer-kernel.log`. */
  runDir: string;
}

/** The outcome of a scenario: its last attempt's fields, plus every attempt. */
export interface ScenarioResult extends ScenarioAttempt {
  /** The scenario's name. */
  scenario: string;
  /** The architecture. */
  arch: E2eArch;
  /** True when a fault of the outer kernel caused a second attempt. */
  retried: boolean;
  /** Lines for the person reading the result, e.g. the retry notice. */
  notes: string[];
  /** Every attempt, in order. */
  attempts: ScenarioAttempt[];
}

function timestampName(): string {
  return new Date().toISOString().replaceAll(/[:.]/g, '-');
}

async function pruneRunDirs(runsDir: string): Promise<void> {
  const names = (await readdir(runsDir)).sort();
  for (const name of names.slice(0, Math.max(0, names.length - KEPT_RUN_DIRS))) {
    await rm(join(runsDir, name), { recursive: true, force: true });
  }
}

function span(times: Readonly<Record<string, number>>, from: string, to: string): number | null {
  const start = times[from];
  const end = times[to];
  return start === undefined || end === undefined ? null : end - start;
}

interface AttemptContext {
  profile: E2eArchProfile;
  scenario: Scenario;
  image: OuterImage;
  attempt: number;
  runDir: string;
  watchdogMs: number;
  onOutput: ((text: string) => void) | undefined;
}

/** What {@link runSteps} got as far as, kept when a step fails. */
interface AttemptProgress {
  /** The deadline the outer host was given for the command, once sent. */
  deadlineSeconds: number | null;
}

/**
 * The deadline for a command sent with `remainingMs` of the watchdog left: the remainder less
 * the freeze margin, in whole seconds; `null` when that leaves less than a second.
 */
function outerDeadlineSeconds(remainingMs: number): number | null {
  const seconds = Math.floor((remainingMs - Math.min(FREEZE_MARGIN_MS, remainingMs / 4)) / 1000);
  return seconds >= 1 ? seconds : null;
}

/** A wait of a scenario that did not see what it expected; its message names what. */
class StepFailure extends E2eError {}

async function expect(
  session: OuterSession,
  pattern: RegExp,
  what: string,
  timeoutMs?: number,
  kernelRecords?: KernelRecords,
): Promise<RegExpExecArray> {
  try {
    return await session.waitFor(pattern, timeoutMs, kernelRecords);
  } catch (error) {
    if (error instanceof ConsoleWaitError) {
      throw new StepFailure(`expecting ${what}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

async function runSteps(
  session: OuterSession,
  context: AttemptContext,
  progress: AttemptProgress,
): Promise<void> {
  const { profile, scenario } = context;
  const values: ScenarioValues = {
    token: randomBytes(4).toString('hex'),
    kernelRelease: context.image.kernelRelease,
    unameMachine: profile.unameMachine,
  };
  const ready = await expect(
    session,
    completeLine(`(${OUTER_MARKERS.ready}|${OUTER_MARKERS.fail}=.*)`),
    `the outer host to be ready (${OUTER_MARKERS.ready})`,
  );
  if (ready[1] !== OUTER_MARKERS.ready) {
    return;
  }
  const commandLine = outerCommandLine(profile, scenario.command);
  progress.deadlineSeconds = outerDeadlineSeconds(context.watchdogMs - session.elapsedMs);
  const snapshot =
    profile.kernelLogPort === null
      ? undefined
      : {
          script: OUTER_IMAGE_LAYOUT.stallSnapshot,
          device: `/dev/${profile.kernelLogPort.device}`,
        };
  session.send(
    `${progress.deadlineSeconds === null ? commandLine : withOuterDeadline(commandLine, progress.deadlineSeconds, snapshot)}\n`,
  );
  await expect(
    session,
    completeLine(OUTER_MARKERS.commandBegin),
    `the outer host to start vmm (${OUTER_MARKERS.commandBegin})`,
  );
  for (const step of scenario.steps) {
    if (step.kind === 'send') {
      session.send(fillPlaceholders(step.text, values));
    } else {
      await expect(
        session,
        compileExpectStep(step, values),
        step.what,
        step.timeoutMs,
        step.kernelRecords ?? 'skip',
      );
    }
  }
  const exitTimeoutMs = scenario.exitTimeoutMs ?? DEFAULT_EXIT_TIMEOUT_MS;
  await expect(
    session,
    new RegExp(`${OUTER_MARKERS.commandExit}=\\d+`),
    `vmm to exit (${OUTER_MARKERS.commandExit}) within ${exitTimeoutMs / 1000} s of the last step`,
    exitTimeoutMs,
  );
}

async function runAttempt(context: AttemptContext): Promise<ScenarioAttempt> {
  const { scenario } = context;
  const session = await OuterSession.start({
    profile: context.profile,
    image: context.image,
    runDir: context.runDir,
    watchdogMs: context.watchdogMs,
    onOutput: context.onOutput,
  });
  const failures: string[] = [];
  const progress: AttemptProgress = { deadlineSeconds: null };
  try {
    await runSteps(session, context, progress);
    await Promise.race([session.exited, delay(POWER_OFF_GRACE_MS)]);
    if (session.exit === null) {
      failures.push(`the outer host did not power off within ${POWER_OFF_GRACE_MS / 1000} s`);
    }
  } catch (error) {
    if (error instanceof StepFailure) {
      failures.push(error.message);
    } else {
      await session.stop();
      throw error;
    }
  }
  const qemu = await session.stop();
  const transcript = parseConsoleTranscript(session.output);
  const deadline = progress.deadlineSeconds;
  const kernelLog = await session.readKernelLog();
  const stallSnapshot = readStallSnapshot(kernelLog);
  const outerKernelFault =
    detectOuterKernelFault({
      kernelLog,
      console: session.output,
      qemuExitedByItself: qemu.stoppedBy === null,
    }) ??
    (session.watchdogFired && deadline !== null && transcript.vmmExitCode === null
      ? {
          kind: 'freeze',
          line: `no exit status from the command by the watchdog, though the outer host was to kill it after ${deadline} s`,
          source: 'watchdog',
        }
      : null) ??
    // Not a byte on the console in the whole watchdog, where the outer host prints its /init's
    // first marker a few seconds after QEMU starts: the emulator froze before or while booting
    // it (seen once in a CI run), nothing of ours had run yet.
    (session.watchdogFired && session.output === ''
      ? {
          kind: 'freeze',
          line: `no console output at all in ${context.watchdogMs / 1000} s, though the outer host boots in a few`,
          source: 'watchdog',
        }
      : null);
  if (outerKernelFault?.kind === 'panic') {
    failures.unshift(`the outer host's kernel panicked: ${outerKernelFault.line}`);
  }
  if (outerKernelFault?.kind === 'freeze') {
    failures.unshift(`the outer host stopped responding: ${outerKernelFault.line}`);
  }
  if (outerKernelFault?.kind === 'reset') {
    failures.unshift(`the outer host reset itself: ${outerKernelFault.line}`);
  }
  if (transcript.outerFailure !== null) {
    failures.unshift(`the outer host could not run the test: ${transcript.outerFailure}`);
  }
  if (transcript.vmmExitCode !== null && transcript.vmmExitCode !== scenario.expectedExitCode) {
    const outerShell = scenario.command.kind === 'outer-shell';
    const whatHung = outerShell ? 'the command hung' : 'vmm or the inner guest hung';
    const killedAtDeadline =
      deadline !== null && transcript.vmmExitCode === KILLED_AT_OUTER_DEADLINE
        ? ` (the outer host killed it at its ${deadline} s deadline: ${whatHung})`
        : '';
    const exited = outerShell
      ? `the outer command exited with ${transcript.vmmExitCode}; expected ${scenario.expectedExitCode}`
      : `vmm exited with ${describeVmmExit(transcript.vmmExitCode)}; expected ${describeVmmExit(scenario.expectedExitCode)}`;
    failures.push(`${exited}${killedAtDeadline}`);
  }
  if (qemu.stoppedBy === null && qemu.code !== 0 && qemu.stderr !== '') {
    failures.push(`QEMU failed: ${qemu.stderr.split('\n').at(-1) ?? ''}`);
  }
  if (session.watchdogFired) {
    const seen = Object.keys(session.markerTimes);
    failures.push(
      `the watchdog stopped QEMU after ${context.watchdogMs / 1000} s; last marker seen: ${seen.at(-1) ?? 'none'}`,
    );
  }
  const times = session.markerTimes;
  return {
    attempt: context.attempt,
    passed: failures.length === 0,
    failures,
    // An outer panic found on a shared console sits in vmm's unfinished span, where it would
    // read as the inner kernel's last words, and a frozen outer host cut the inner output off
    // wherever it was: no inner hints then.
    hints:
      failures.length === 0 ||
      (outerKernelFault?.kind === 'panic' && outerKernelFault.source === 'console') ||
      outerKernelFault?.kind === 'freeze' ||
      outerKernelFault?.kind === 'reset'
        ? []
        : [
            ...diagnoseInnerOutput(transcript.innerOutput, transcript.vmmExitCode),
            ...describeStallSnapshot(stallSnapshot ?? []),
          ],
    innerEmulationLoop: innerEmulationLoop(stallSnapshot),
    transcript,
    markerTimes: times,
    timings: {
      outerBootMs: times[OUTER_MARKERS.ready] ?? null,
      vmmToInnerInitMs: span(times, OUTER_MARKERS.commandBegin, GUEST_INIT_MARKER),
      vmmRunMs: span(times, OUTER_MARKERS.commandBegin, OUTER_MARKERS.commandExit),
      totalMs: Math.round(qemu.elapsedMs),
    },
    outerKernelFault,
    commandDeadlineSeconds: deadline,
    watchdogFired: session.watchdogFired,
    qemu,
    runDir: context.runDir,
  };
}

/** Why an attempt may be run again: what went wrong, in words, and why that is the test bed's. */
interface RetryCause {
  /** What went wrong, for the note (e.g. `the outer host reset itself (...)`). */
  what: string;
  /** Why a second attempt is worth it. */
  why: string;
}

/**
 * What in `attempt` calls for a retry: a fault of the outer host, else a triple fault of the
 * inner x86 guest, else an inner guest looping on emulated instructions when it was killed
 * ({@link innerEmulationLoop}), else an inner guest stalled mid-line ({@link innerStall});
 * `null` when none happened.
 */
function retryCause(attempt: ScenarioAttempt): RetryCause | null {
  const fault = attempt.outerKernelFault;
  if (fault !== null) {
    return {
      what: describeOuterFault(fault),
      why: 'software emulation occasionally crashes or freezes the outer host',
    };
  }
  const tripleFault = innerTripleFault(attempt.transcript);
  if (tripleFault !== null) {
    return {
      what: `the inner guest triple-faulted ("${tripleFault}")`,
      why: "the emulated SVM occasionally resumes the inner guest with the outer host's state",
    };
  }
  if (attempt.innerEmulationLoop !== null) {
    return {
      what: `the inner guest was looping inside KVM when it was killed (${attempt.innerEmulationLoop})`,
      why: "the emulated SVM occasionally resumes the inner guest with the outer host's state",
    };
  }
  const stall = innerStall(attempt.transcript);
  return stall === null
    ? null
    : {
        what: `the inner guest stalled in mid-line before its /init marker ("${stall}")`,
        why: "the emulated SVM occasionally resumes the inner guest with the outer host's state",
      };
}

/**
 * Runs one scenario under nested virtualization: builds (or reuses) the outer image, boots the
 * emulated outer host, has its /init run vmm with the scenario's command, plays the scenario's
 * console dialogue and checks vmm's exit status, all under the scenario's watchdog.
 *
 * The command runs under a deadline the outer host enforces itself (`timeout -s KILL`, 15 s
 * before the watchdog), so a vmm or inner guest that hangs ends with exit status 137 and a
 * failure that says so, while silence until the watchdog means the outer host froze.
 *
 * When the outer host's kernel panics (QEMU's software emulation occasionally corrupts it), or
 * oopses in an attempt that failed, or the outer host freezes or resets itself, or the inner
 * x86 guest triple-faults (in this test bed the emulated SVM resuming the inner guest with the
 * outer host's RIP and CR3, as traced: see {@link innerTripleFault} and docs/BENCHMARKS.md),
 * or is found looping on emulated instructions and injected page faults, that fault's other
 * face, when the outer host looks at its VM's counters just before the deadline kill
 * ({@link innerEmulationLoop}), or stalls in mid-line before its marker
 * ({@link innerStall}), the scenario runs once more;
 * `retried` and a note say so, and a `vmm-e2e: ...` line is logged. A second fault is reported
 * as the failure it is.
 *
 * @throws {@link E2eError} subclasses when the image cannot be built or QEMU cannot be started;
 * test failures are reported in the result, not thrown.
 */
export async function runScenario(options: RunScenarioOptions): Promise<ScenarioResult> {
  const scenario =
    typeof options.scenario === 'string' ? findScenario(options.scenario) : options.scenario;
  const profile = options.profile ?? E2E_ARCH_PROFILES[options.arch ?? 'x86_64'];
  const log = options.log ?? stderrLogger;
  const startedAt = performance.now();
  const image = options.image ?? (await buildOuterImage({ arch: profile.arch, log }));
  const runsDir = options.runsDir ?? join(e2eCacheDir(), 'runs');
  const name = `${timestampName()}-${profile.arch}-${scenario.name}`;
  const attempts: ScenarioAttempt[] = [];
  const notes: string[] = [];
  const maxAttempts = options.retryOnOuterFault === false ? 1 : 2;
  const watchdogMs = options.watchdogMs ?? scenario.watchdogMs;
  const remainingMs = (): number =>
    (options.budgetMs ?? Number.POSITIVE_INFINITY) - (performance.now() - startedAt);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    log(`${scenario.name}: attempt ${attempt}: booting the ${profile.arch} outer host under QEMU`);
    const result = await runAttempt({
      profile,
      scenario,
      image,
      attempt,
      runDir: join(runsDir, `${name}-attempt${attempt}`),
      watchdogMs: Math.round(Math.min(watchdogMs, remainingMs())),
      onOutput: options.onOutput,
    });
    attempts.push(result);
    const cause = retryCause(result);
    if (cause === null) {
      break;
    }
    const wanted =
      (result.outerKernelFault?.kind === 'panic' || !result.passed) && attempt < maxAttempts;
    const retry = wanted && remainingMs() >= MIN_RETRY_MS;
    const reason = retry
      ? `; retrying once (${cause.why})`
      : wanted
        ? '; no time left in the budget to retry'
        : '';
    const note = `attempt ${attempt}: ${cause.what}${reason}`;
    notes.push(note);
    log(`${scenario.name}: ${note}`);
    if (!retry) {
      break;
    }
  }
  await pruneRunDirs(runsDir);
  const last = attempts.at(-1) as ScenarioAttempt;
  log(
    `${scenario.name}: ${last.passed ? 'passed' : 'FAILED'} (${(last.timings.totalMs / 1000).toFixed(1)} s; logs in ${last.runDir})`,
  );
  return {
    ...last,
    scenario: scenario.name,
    arch: profile.arch,
    retried: attempts.length > 1,
    notes,
    attempts,
  };
}
