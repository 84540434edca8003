import { describe, expect, it } from 'vitest';
import { summarizeBootRace, type BootRaceRun } from '../src/boot-race-lines.js';
import { formatBootRaceReport } from '../src/boot-race-report.js';

const PLAN = { marker: 'VMM-GUEST-INIT-OK', milestones: ['Linux version'] };

function run(candidate: string, round: number, markerMs: number | null): BootRaceRun {
  return {
    candidate,
    run: round,
    milestoneMs: { 'Linux version': markerMs === null ? null : markerMs - 1000 },
    markerMs,
    exitMs: 20_000,
    exitCode: markerMs === null ? null : 0,
    signal: markerMs === null ? 'SIGKILL' : null,
    error: markerMs === null ? 'no VMM-GUEST-INIT-OK within 180 s; killed' : null,
  };
}

describe('formatBootRaceReport', () => {
  const runs = [run('vmm', 1, 15_600.4), run('qemu', 1, 10_400), run('vmm', 2, null)];
  const report = formatBootRaceReport(
    summarizeBootRace(['vmm', 'qemu'], PLAN.milestones, runs),
    runs,
    PLAN,
  );
  const lines = report.trimEnd().split('\n');

  it('has a column per milestone, the marker and the exit', () => {
    expect(lines[1]).toMatch(/^\s+run\s+Linux version\s+VMM-GUEST-INIT-OK\s+exit$/);
  });

  it('shows every run in whole milliseconds and marks the failed one', () => {
    expect(lines[2]).toMatch(/^\s+vmm\s+1\s+14600\s+15600\s+20000$/);
    expect(lines[3]).toMatch(/^\s+qemu\s+1\s+9400\s+10400\s+20000$/);
    expect(lines[4]).toMatch(
      /^\s+vmm\s+2\s+-\s+-\s+20000 {2}FAILED: no VMM-GUEST-INIT-OK within 180 s; killed$/,
    );
  });

  it('ends with the medians, how many runs they cover, and the ratio against the target', () => {
    expect(lines[5]).toMatch(/^\s+vmm\s+median of 1\/2\s+14600\s+15600\s+20000$/);
    expect(lines[6]).toMatch(/^\s+qemu\s+median\s+9400\s+10400\s+20000$/);
    expect(lines[7]).toBe(
      '  ratio vmm / qemu, median time to VMM-GUEST-INIT-OK: 1.500  (target <= 0.8)',
    );
  });
});

describe('formatBootRaceReport with a third candidate', () => {
  const runs = [
    run('vmm', 1, 12_000),
    run('qemu', 1, 10_000),
    run('vmm-guest-decompression', 1, 7_500),
  ];
  const report = formatBootRaceReport(
    summarizeBootRace(['vmm', 'qemu', 'vmm-guest-decompression'], PLAN.milestones, runs),
    runs,
    PLAN,
  );

  it('gives its ratio against the second candidate too', () => {
    expect(report.trimEnd().split('\n').slice(-2)).toEqual([
      '  ratio vmm / qemu, median time to VMM-GUEST-INIT-OK: 1.200  (target <= 0.8)',
      '  ratio vmm-guest-decompression / qemu, median time to VMM-GUEST-INIT-OK: 0.750',
    ]);
  });
});
