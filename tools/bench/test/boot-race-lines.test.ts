import { describe, expect, it } from 'vitest';
import {
  BOOT_RACE_LINE,
  formatResultLine,
  formatRunLine,
  parseBootRaceOutput,
  raceSummary,
  summarizeBootRace,
  type BootRaceRun,
} from '../src/boot-race-lines.js';

const BANNER = 'Linux version';

function run(
  candidate: string,
  round: number,
  markerMs: number | null,
  extra: Partial<BootRaceRun> = {},
): BootRaceRun {
  return {
    candidate,
    run: round,
    milestoneMs: { [BANNER]: markerMs === null ? null : markerMs / 2 },
    markerMs,
    exitMs: markerMs === null ? 900 : markerMs + 100,
    exitCode: 0,
    signal: null,
    error: markerMs === null ? 'exited (code 0) before VMM-GUEST-INIT-OK' : null,
    ...extra,
  };
}

describe('summarizeBootRace', () => {
  it('takes medians over the runs that reached the marker and divides the first by the second', () => {
    const runs = [
      run('vmm', 1, 300),
      run('qemu', 1, 400),
      run('vmm', 2, 100),
      run('qemu', 2, null),
      run('vmm', 3, 200),
      run('qemu', 3, 600),
    ];
    const summary = summarizeBootRace(['vmm', 'qemu'], [BANNER], runs);
    expect(summary.candidates).toEqual([
      {
        name: 'vmm',
        runs: 3,
        reached: 3,
        medianMilestoneMs: { [BANNER]: 100 },
        medianMarkerMs: 200,
        medianExitMs: 300,
      },
      {
        name: 'qemu',
        runs: 3,
        reached: 2,
        medianMilestoneMs: { [BANNER]: 250 },
        medianMarkerMs: 500,
        medianExitMs: 600,
      },
    ]);
    expect(summary.ratio).toBeCloseTo(0.4);
  });

  it('has no ratio when a candidate never reached the marker', () => {
    const summary = summarizeBootRace(
      ['vmm', 'qemu'],
      [],
      [run('vmm', 1, 5), run('qemu', 1, null)],
    );
    expect(summary.candidates[1]?.medianMarkerMs).toBeNull();
    expect(summary.ratio).toBeNull();
  });

  it('leaves out of the exit median a run killed after its marker', () => {
    const killed = run('vmm', 2, 50, { exitMs: 60_050, signal: 'SIGKILL', error: 'still running' });
    const summary = summarizeBootRace(['vmm', 'qemu'], [], [run('vmm', 1, 40), killed]);
    expect(summary.candidates[0]?.medianMarkerMs).toBe(45);
    expect(summary.candidates[0]?.medianExitMs).toBe(140);
  });
});

describe('parseBootRaceOutput', () => {
  const runs = [run('vmm', 1, 15568.6), run('qemu', 1, null)];
  const summary = summarizeBootRace(['vmm', 'qemu'], [BANNER], runs);

  it('reads back what the runner formats, through a terminal that adds carriage returns', () => {
    const console = [
      '/usr/bin/node /bench/boot-race-runner.js eyJydW5zIjo1fQ',
      formatRunLine(runs[0] as BootRaceRun),
      formatRunLine(runs[1] as BootRaceRun),
      `${BOOT_RACE_LINE.log} qemu #1: qemu-system-x86_64: failed to initialize kvm`,
      formatResultLine(summary),
      '',
    ].join('\r\n');
    expect(parseBootRaceOutput(console)).toEqual({
      runs,
      summary,
      logs: ['qemu #1: qemu-system-x86_64: failed to initialize kvm'],
      failure: null,
      problems: [],
    });
  });

  it('reports unreadable prefixed lines as problems and keeps the runner failure', () => {
    const parsed = parseBootRaceOutput(
      [
        `${BOOT_RACE_LINE.run} {"candidate":"vmm"`,
        `${BOOT_RACE_LINE.run} {"candidate":"vmm","run":1}`,
        `${BOOT_RACE_LINE.result} []`,
        `${BOOT_RACE_LINE.fail} the plan is not base64url-encoded JSON`,
        'BOOT-RACE-RUNNING is not a prefix match',
      ].join('\n'),
    );
    expect(parsed.runs).toEqual([]);
    expect(parsed.summary).toBeNull();
    expect(parsed.failure).toBe('the plan is not base64url-encoded JSON');
    expect(parsed.problems).toHaveLength(3);
    expect(parsed.problems[0]).toMatch(/^unreadable run line: /);
    expect(parsed.problems[2]).toMatch(/^unreadable result line: /);
  });
});

describe('raceSummary', () => {
  it("takes the runner's result line, or sums up the runs of a runner cut off before it", () => {
    const runs = [run('vmm', 1, 300), run('qemu', 1, 400), run('vmm', 2, 100)];
    const lines = runs.map((each) => formatRunLine(each));
    const cutOff = parseBootRaceOutput(`${lines.join('\n')}\nKilled\n`);
    expect(raceSummary(cutOff, ['vmm', 'qemu'], [BANNER])).toEqual(
      summarizeBootRace(['vmm', 'qemu'], [BANNER], runs),
    );
    const own = summarizeBootRace(['vmm', 'qemu'], [BANNER], runs.slice(0, 2));
    const finished = parseBootRaceOutput([...lines, formatResultLine(own)].join('\n'));
    expect(raceSummary(finished, ['vmm', 'qemu'], [BANNER])).toEqual(own);
    expect(raceSummary(parseBootRaceOutput('Killed\n'), ['vmm', 'qemu'], [BANNER])).toBeNull();
  });
});
