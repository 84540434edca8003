import { medianRatio, type BootRaceRun, type BootRaceSummary } from './boot-race-lines.js';
import type { BootRacePlan } from './boot-race-plan.js';

/** The ratio (vmm / QEMU median time to the inner /init marker) issue #3 asks for. */
export const BOOT_RACE_TARGET_RATIO = 0.8;

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(0);
}

function ratioText(ratio: number | null): string {
  return ratio === null ? 'n/a' : ratio.toFixed(3);
}

/**
 * Formats the race's figures for people: a table with one row per run (in the order they ran)
 * giving the milliseconds from spawn to each milestone, to the marker and to the exit, failed
 * runs marked, then a row of medians per candidate, and the ratio of the first candidate's median
 * to the second's against {@link BOOT_RACE_TARGET_RATIO}.
 */
export function formatBootRaceReport(
  summary: BootRaceSummary,
  runs: readonly BootRaceRun[],
  plan: Pick<BootRacePlan, 'marker' | 'milestones'>,
): string {
  const headers = ['', 'run', ...plan.milestones, plan.marker, 'exit'];
  const rows: string[][] = runs.map((run) => [
    run.candidate,
    String(run.run),
    ...plan.milestones.map((text) => ms(run.milestoneMs[text])),
    ms(run.markerMs),
    `${ms(run.exitMs)}${run.error === null ? '' : `  FAILED: ${run.error}`}`,
  ]);
  for (const candidate of summary.candidates) {
    rows.push([
      candidate.name,
      candidate.reached === candidate.runs
        ? 'median'
        : `median of ${candidate.reached}/${candidate.runs}`,
      ...plan.milestones.map((text) => ms(candidate.medianMilestoneMs[text])),
      ms(candidate.medianMarkerMs),
      ms(candidate.medianExitMs),
    ]);
  }
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string => {
    const last = cells.length - 1;
    const padded = cells.map((cell, column) =>
      column === last ? cell : cell.padEnd(widths[column] ?? 0),
    );
    return `  ${padded.join('  ')}`.trimEnd();
  };
  const [first, second] = summary.candidates.map((candidate) => candidate.name);
  const baseline = summary.candidates[1]?.medianMarkerMs ?? null;
  const others = summary.candidates.slice(2).map((candidate) => {
    const ratio = medianRatio(candidate.medianMarkerMs, baseline);
    return `  ratio ${candidate.name} / ${second}, median time to ${plan.marker}: ${ratioText(ratio)}`;
  });
  return [
    'boot-time race: ms from spawning the VMM (in the outer host) to the first appearance on its console of',
    render(headers),
    ...rows.map(render),
    `  ratio ${first} / ${second}, median time to ${plan.marker}: ${ratioText(summary.ratio)}  (target <= ${BOOT_RACE_TARGET_RATIO})`,
    ...others,
    '',
  ].join('\n');
}
