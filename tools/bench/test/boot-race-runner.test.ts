import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseBootRaceOutput } from '../src/boot-race-lines.js';
import {
  encodeBootRacePlan,
  type BootRaceCandidate,
  type BootRacePlan,
} from '../src/boot-race-plan.js';

const runner = fileURLToPath(new URL('../dist/boot-race-runner.js', import.meta.url));
const built = existsSync(runner);
if (!built) {
  console.warn(`skipping the runner test: ${runner} is not built (run the package's build first)`);
}

async function race(plan: BootRacePlan): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [
      runner,
      encodeBootRacePlan(plan),
    ]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

/** One round with a 0.3 s deadline for the marker and for the exit after it. */
const QUICK_TIMEOUTS = {
  runs: 1,
  marker: 'INIT-OK',
  milestones: [],
  markerTimeoutMs: 300,
  exitTimeoutMs: 300,
  settleMs: 0,
} satisfies Omit<BootRacePlan, 'candidates'>;

/**
 * A quick plan whose one round runs `candidate` under test, then a candidate that shows the
 * marker at once (a race needs two).
 */
function quickPlanFor(
  candidate: BootRaceCandidate,
  extra: Partial<BootRacePlan> = {},
): BootRacePlan {
  return {
    ...QUICK_TIMEOUTS,
    ...extra,
    candidates: [candidate, { name: 'quick', argv: ['sh', '-c', 'echo INIT-OK'] }],
  };
}

describe.skipIf(!built)('the boot race runner (built)', () => {
  it('times stand-in VMMs to a milestone and the marker, alternating, and flags a failure', async () => {
    const plan: BootRacePlan = {
      runs: 2,
      marker: 'INIT-OK',
      milestones: ['banner'],
      markerTimeoutMs: 5000,
      exitTimeoutMs: 5000,
      settleMs: 0,
      candidates: [
        { name: 'fast', argv: ['sh', '-c', 'echo banner; sleep 0.2; printf "INIT-"; echo OK'] },
        { name: 'broken', argv: ['sh', '-c', 'echo no marker here >&2; exit 3'] },
      ],
    };
    const { code, stdout } = await race(plan);
    const parsed = parseBootRaceOutput(stdout);
    expect(code).toBe(1);
    expect(parsed.problems).toEqual([]);
    expect(parsed.runs.map((run) => `${run.candidate}#${run.run}`)).toEqual([
      'fast#1',
      'broken#1',
      'fast#2',
      'broken#2',
    ]);
    for (const run of parsed.runs.filter((candidate) => candidate.candidate === 'fast')) {
      expect(run.error).toBeNull();
      expect(run.markerMs).toBeGreaterThanOrEqual(200);
      expect(run.milestoneMs.banner).toBeLessThan(run.markerMs as number);
      expect(run.exitMs).toBeGreaterThanOrEqual(run.markerMs as number);
      expect(run.exitCode).toBe(0);
    }
    const broken = parsed.runs.find((run) => run.candidate === 'broken');
    expect(broken).toMatchObject({
      markerMs: null,
      exitCode: 3,
      error: 'exited (code 3) before INIT-OK',
    });
    expect(parsed.logs).toContain('broken #1: no marker here');
    expect(parsed.summary?.candidates.map((candidate) => candidate.reached)).toEqual([2, 0]);
    expect(parsed.summary?.ratio).toBeNull();
  });

  it('kills a candidate that never shows the marker, and one that does not exit after it', async () => {
    const plan: BootRacePlan = {
      ...QUICK_TIMEOUTS,
      candidates: [
        { name: 'silent', argv: ['sleep', '10'] },
        { name: 'stuck', argv: ['sh', '-c', 'echo INIT-OK; exec sleep 10'] },
      ],
    };
    const { code, stdout } = await race(plan);
    const [silent, stuck] = parseBootRaceOutput(stdout).runs;
    expect(code).toBe(1);
    expect(silent).toMatchObject({ signal: 'SIGKILL', markerMs: null });
    expect(silent?.error).toMatch(/^no INIT-OK within 0.3 s; killed$/);
    expect(stuck).toMatchObject({ signal: 'SIGKILL' });
    expect(stuck?.markerMs).not.toBeNull();
    expect(stuck?.error).toMatch(/^still running 0.3 s after the marker; killed$/);
  });

  it('does not count a marker that comes while a timed-out candidate is watched', async () => {
    const plan = quickPlanFor({
      name: 'late',
      argv: ['sh', '-c', 'sleep 0.6; echo INIT-OK; exec sleep 10'],
    });
    const [late] = parseBootRaceOutput((await race(plan)).stdout).runs;
    expect(late).toMatchObject({ markerMs: null, signal: 'SIGKILL' });
    expect(late?.error).toBe('no INIT-OK within 0.3 s; killed');
  });

  it("says what a timed-out candidate's threads did in its last second", async () => {
    const plan = quickPlanFor({ name: 'spinning', argv: ['sh', '-c', 'while :; do :; done'] });
    const { stdout } = await race(plan);
    const stalled = parseBootRaceOutput(stdout).logs.filter((line) =>
      line.startsWith('spinning #1: stalled: '),
    );
    expect(stalled[0]).toMatch(
      /^spinning #1: stalled: thread \d+ sh: R, syscall (running|-1 .*), wchan \?, \+\d+ CPU ticks in 1000 ms$/,
    );
    const ticks = Number(/\+(\d+) CPU ticks/.exec(stalled[0] ?? '')?.[1]);
    expect(ticks).toBeGreaterThan(20);
    expect(stalled.at(-1)).toMatch(/no KVM counters/);
  });

  it("prints each run's recording of KVM's events when the plan asks for one", async () => {
    const plan = quickPlanFor({ name: 'broken', argv: ['sh', '-c', 'exit 4'] }, { traceKvm: true });
    const logs = parseBootRaceOutput((await race(plan)).stdout).logs;
    const recorded = logs.filter((line) => line.startsWith('broken #1: recorded: '));
    // This machine's tracefs may be absent: then the line says so.
    expect(recorded[0]).toMatch(/^broken #1: recorded: (no trace: .+|events by kind: .+)$/);
    // A run that passed gets the counts only.
    const quick = logs.filter((line) => line.startsWith('quick #1: recorded: '));
    expect(quick).toHaveLength(1);
    expect(quick[0]).toMatch(/^quick #1: recorded: (no trace: .+|events by kind: .+)$/);
  });

  it('refuses an unreadable plan with exit status 2', async () => {
    const { code, stdout } = await promisify(execFile)(process.execPath, [runner, 'bad'])
      .then((result) => ({ code: 0, stdout: result.stdout }))
      .catch((error: { code: number; stdout: string }) => error);
    expect(code).toBe(2);
    expect(parseBootRaceOutput(stdout).failure).toMatch(/not base64url-encoded JSON/);
  });
});
