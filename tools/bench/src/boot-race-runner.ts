/**
 * The boot-time race's runner, run by node INSIDE the emulated outer host (shipped in the
 * benchmark's outer image, started by the outer /init): `node boot-race-runner.js <plan>`, the
 * plan encoded by `encodeBootRacePlan`. It imports nothing but node's own modules (tsup bundles
 * the rest into this file), since the outer host has no node_modules for it.
 *
 * For each round it spawns every candidate in turn (vmm, QEMU, vmm, QEMU, ...), times it with
 * `performance.now()` from just before the spawn to the first appearance on its stdout of each
 * milestone (e.g. the kernel's banner) and of the marker, and waits for it to exit (the inner
 * /init powers off after the marker). The timing thus happens in the outer host, with no serial
 * line between the clock and the candidate. It prints a `BOOT-RACE-RUN` line per run, the tail of
 * a failed run's output as `BOOT-RACE-LOG` lines (for a candidate that timed out, followed by
 * what its threads and its VM's KVM counters did in the second before it was killed) and
 * finally the `BOOT-RACE-RESULT` line; it exits 0 when every run showed the marker, 1 otherwise
 * and 2 when the plan is unreadable.
 * Candidates' own output is not shown: the console stays quiet.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import {
  BOOT_RACE_LINE,
  formatResultLine,
  formatRunLine,
  summarizeBootRace,
  type BootRaceRun,
} from './boot-race-lines.js';
import { decodeBootRacePlan, type BootRaceCandidate, type BootRacePlan } from './boot-race-plan.js';
import { FirstAppearances } from './first-appearances.js';
import { KvmFlightRecorder } from './kvm-trace-capture.js';
import { LINUX_STALL_SNAPSHOT_ROOTS, stallSnapshot } from './stall-snapshot.js';

/** How much of a candidate's output is kept for a failed run's log lines. */
const TAIL_CHARS = 1500;

/** How long a timed-out candidate is watched before it is killed (see `stallSnapshot`). */
const STALL_WATCH_MS = 1000;

/** How many of a flight recording's events a failed run prints (see `KvmFlightRecorder`). */
const RECORDED_EVENTS_SHOWN = 40;

/** Rounds milliseconds to tenths: finer figures would only lengthen the console lines. */
function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}

interface TimedRun {
  run: BootRaceRun;
  tail: string;
  /** What a timed-out candidate's threads and VM were doing before it was killed. */
  stall: string[];
  /** What the flight recording says of the run (see `KvmFlightRecorder.stop`), when asked for. */
  recorded: string[];
}

/** Starts a flight recording when `plan` asks for one: the recorder, or why there is none. */
function startRecording(plan: BootRacePlan): KvmFlightRecorder | string | undefined {
  return plan.traceKvm === true
    ? KvmFlightRecorder.start(LINUX_STALL_SNAPSHOT_ROOTS.tracing)
    : undefined;
}

function raceOnce(
  candidate: BootRaceCandidate,
  plan: BootRacePlan,
  round: number,
): Promise<TimedRun> {
  return new Promise((resolve) => {
    const [program, ...args] = candidate.argv as [string, ...string[]];
    const milestoneMs: Record<string, number | null> = Object.fromEntries(
      plan.milestones.map((text) => [text, null]),
    );
    const watch = new FirstAppearances([...plan.milestones, plan.marker]);
    let markerMs: number | null = null;
    let exitMs: number | null = null;
    let exitCode: number | null = null;
    let signal: string | null = null;
    let error: string | null = null;
    let tail = '';
    let stall: string[] = [];
    let exitTimer: NodeJS.Timeout | undefined;
    const recorder = startRecording(plan);
    const started = performance.now();
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const killTimedOut = (why: string): void => {
      error = why;
      const kill = (): void => void child.kill('SIGKILL');
      if (child.pid === undefined) return kill();
      stallSnapshot(child.pid, STALL_WATCH_MS).then((lines) => {
        stall = lines;
        kill();
      }, kill);
    };
    const markerTimer = setTimeout(
      () => killTimedOut(`no ${plan.marker} within ${plan.markerTimeoutMs / 1000} s; killed`),
      plan.markerTimeoutMs,
    );
    const keep = (text: string): void => {
      tail = (tail + text).slice(-TAIL_CHARS);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const now = performance.now();
      const text = chunk.toString('latin1');
      keep(text);
      const found = watch.push(text);
      for (const milestone of found) {
        if (milestone in milestoneMs) milestoneMs[milestone] = tenths(now - started);
      }
      // A marker that comes while a timed-out candidate is watched before its kill is too late.
      if (markerMs === null && error === null && found.includes(plan.marker)) {
        markerMs = tenths(now - started);
        clearTimeout(markerTimer);
        exitTimer = setTimeout(
          () =>
            killTimedOut(`still running ${plan.exitTimeoutMs / 1000} s after the marker; killed`),
          plan.exitTimeoutMs,
        );
      }
    });
    child.stderr.on('data', (chunk: Buffer) => keep(chunk.toString('latin1')));
    child.stdin.on('error', () => undefined);
    child.once('error', (spawnError) => {
      error ??= `cannot run ${program}: ${spawnError.message}`;
    });
    child.once('exit', (code, exitSignal) => {
      exitMs = tenths(performance.now() - started);
      exitCode = code;
      signal = exitSignal;
      child.stdin.destroy();
    });
    child.once('close', () => {
      clearTimeout(markerTimer);
      clearTimeout(exitTimer);
      if (markerMs === null) {
        error ??= `exited (${signal ?? `code ${exitCode}`}) before ${plan.marker}`;
      }
      // A stall's snapshot traced its own window into the faults' ring, replacing the recording.
      const failed = error !== null;
      const recorded =
        recorder instanceof KvmFlightRecorder
          ? recorder.stop({
              lastEvents: failed && stall.length === 0 ? RECORDED_EVENTS_SHOWN : 0,
              memoryEvents: failed ? RECORDED_EVENTS_SHOWN : 0,
            })
          : recorder === undefined
            ? []
            : [recorder];
      resolve({
        run: {
          candidate: candidate.name,
          run: round,
          milestoneMs,
          markerMs,
          exitMs,
          exitCode,
          signal,
          error,
        },
        tail,
        stall,
        recorded,
      });
    });
  });
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  const decoded = decodeBootRacePlan(process.argv[2] ?? '');
  if (!decoded.ok) {
    print(`${BOOT_RACE_LINE.fail} ${decoded.problem}`);
    return 2;
  }
  const { plan } = decoded;
  const runs: BootRaceRun[] = [];
  for (let round = 1; round <= plan.runs; round++) {
    for (const candidate of plan.candidates) {
      const { run, tail, stall, recorded } = await raceOnce(candidate, plan, round);
      runs.push(run);
      print(formatRunLine(run));
      if (run.error !== null) {
        const lines = tail.trimEnd() === '' ? [] : tail.trimEnd().split('\n');
        for (const line of lines) {
          print(`${BOOT_RACE_LINE.log} ${candidate.name} #${round}: ${line.replaceAll('\r', '')}`);
        }
        for (const line of stall) {
          print(`${BOOT_RACE_LINE.log} ${candidate.name} #${round}: stalled: ${line}`);
        }
      }
      for (const line of recorded) {
        print(`${BOOT_RACE_LINE.log} ${candidate.name} #${round}: recorded: ${line}`);
      }
      await delay(plan.settleMs);
    }
  }
  const summary = summarizeBootRace(
    plan.candidates.map((candidate) => candidate.name),
    plan.milestones,
    runs,
  );
  print(formatResultLine(summary));
  return runs.every((run) => run.error === null) ? 0 : 1;
}

process.exitCode = await main();
