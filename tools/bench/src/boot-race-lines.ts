import { median } from './median.js';

/** The prefixes of the lines the race runner prints, each followed by a space and JSON or text. */
export const BOOT_RACE_LINE = {
  /** `BOOT-RACE-RUN <json>`: one run of one candidate ({@link BootRaceRun}). */
  run: 'BOOT-RACE-RUN',
  /** `BOOT-RACE-RESULT <json>`: medians and ratio ({@link BootRaceSummary}); printed last. */
  result: 'BOOT-RACE-RESULT',
  /** `BOOT-RACE-LOG <text>`: the end of a failed run's output, for diagnosis. */
  log: 'BOOT-RACE-LOG',
  /** `BOOT-RACE-FAIL <text>`: the runner could not race at all (e.g. a bad plan). */
  fail: 'BOOT-RACE-FAIL',
} as const;

/** One run of one candidate, timed in the outer host. */
export interface BootRaceRun {
  /** The candidate's name. */
  candidate: string;
  /** The round, from 1. */
  run: number;
  /**
   * Milliseconds from spawning the candidate to the first appearance of each of the plan's
   * milestones on its stdout (`null`: not seen), by milestone text.
   */
  milestoneMs: Record<string, number | null>;
  /** Milliseconds from spawning the candidate to the marker on its stdout; `null` if never seen. */
  markerMs: number | null;
  /** Milliseconds from spawning the candidate to its exit; `null` when it could not be started. */
  exitMs: number | null;
  /** Its exit code, or `null` when a signal ended it or it never ran. */
  exitCode: number | null;
  /** The signal that ended it (e.g. `SIGKILL` after a timeout), or `null`. */
  signal: string | null;
  /** Why the run failed (no marker, killed after the marker, spawn error), or `null`. */
  error: string | null;
}

/** One candidate's figures over all its runs. */
export interface BootRaceCandidateSummary {
  /** The candidate's name. */
  name: string;
  /** How many runs it had. */
  runs: number;
  /** How many of them showed the marker. */
  reached: number;
  /**
   * By milestone text: the median of its time over the runs that showed the marker and it, or
   * `null` for none.
   */
  medianMilestoneMs: Record<string, number | null>;
  /** The median of `markerMs` over the runs that showed the marker, or `null` for none. */
  medianMarkerMs: number | null;
  /** The median of `exitMs` over the runs that showed the marker and exited, or `null`. */
  medianExitMs: number | null;
}

/** The race's outcome: per-candidate medians and the ratio of the first two. */
export interface BootRaceSummary {
  /** Each candidate, in plan order. */
  candidates: BootRaceCandidateSummary[];
  /**
   * The first candidate's median marker time divided by the second's (below 1: the first is
   * faster), or `null` when either has none.
   */
  ratio: number | null;
}

/** `first / second` of two median times, or `null` when either is missing (or `second` is 0). */
export function medianRatio(first: number | null, second: number | null): number | null {
  return first === null || second === null || second === 0 ? null : first / second;
}

function numberOrNothing(value: number | null | undefined): number[] {
  return value === null || value === undefined ? [] : [value];
}

/**
 * Computes the {@link BootRaceSummary} of `runs` for the candidates `names` (plan order) and the
 * plan's `milestones`.
 */
export function summarizeBootRace(
  names: readonly string[],
  milestones: readonly string[],
  runs: readonly BootRaceRun[],
): BootRaceSummary {
  const candidates = names.map((name): BootRaceCandidateSummary => {
    const own = runs.filter((run) => run.candidate === name);
    const reached = own.filter((run) => run.markerMs !== null);
    return {
      name,
      runs: own.length,
      reached: reached.length,
      medianMilestoneMs: Object.fromEntries(
        milestones.map((text) => [
          text,
          median(reached.flatMap((run) => numberOrNothing(run.milestoneMs[text]))),
        ]),
      ),
      medianMarkerMs: median(reached.map((run) => run.markerMs as number)),
      medianExitMs: median(
        reached.flatMap((run) => (run.exitMs === null || run.error !== null ? [] : [run.exitMs])),
      ),
    };
  });
  return {
    candidates,
    ratio: medianRatio(
      candidates[0]?.medianMarkerMs ?? null,
      candidates[1]?.medianMarkerMs ?? null,
    ),
  };
}

/** Formats `run` as its `BOOT-RACE-RUN` line (no newline). */
export function formatRunLine(run: BootRaceRun): string {
  return `${BOOT_RACE_LINE.run} ${JSON.stringify(run)}`;
}

/** Formats `summary` as the `BOOT-RACE-RESULT` line (no newline). */
export function formatResultLine(summary: BootRaceSummary): string {
  return `${BOOT_RACE_LINE.result} ${JSON.stringify(summary)}`;
}

/** What {@link parseBootRaceOutput} found in the runner's output. */
export interface ParsedBootRaceOutput {
  /** Every run line, in order. */
  runs: BootRaceRun[];
  /** The result line, or `null` when there is none. */
  summary: BootRaceSummary | null;
  /** The text of the log lines (ends of failed runs' output). */
  logs: string[];
  /** The runner's own failure (`BOOT-RACE-FAIL`), or `null`. */
  failure: string | null;
  /** Lines that carry a known prefix but could not be read, each with the reason. */
  problems: string[];
}

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

function isTimesRecord(value: unknown): value is Record<string, number | null> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(isNumberOrNull)
  );
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isRun(value: unknown): value is BootRaceRun {
  if (typeof value !== 'object' || value === null) return false;
  const run = value as Record<string, unknown>;
  return (
    typeof run.candidate === 'string' &&
    typeof run.run === 'number' &&
    Number.isInteger(run.run) &&
    isTimesRecord(run.milestoneMs) &&
    isNumberOrNull(run.markerMs) &&
    isNumberOrNull(run.exitMs) &&
    isNumberOrNull(run.exitCode) &&
    isStringOrNull(run.signal) &&
    isStringOrNull(run.error)
  );
}

function isCandidateSummary(value: unknown): value is BootRaceCandidateSummary {
  if (typeof value !== 'object' || value === null) return false;
  const summary = value as Record<string, unknown>;
  return (
    typeof summary.name === 'string' &&
    typeof summary.runs === 'number' &&
    typeof summary.reached === 'number' &&
    isTimesRecord(summary.medianMilestoneMs) &&
    isNumberOrNull(summary.medianMarkerMs) &&
    isNumberOrNull(summary.medianExitMs)
  );
}

function isSummary(value: unknown): value is BootRaceSummary {
  if (typeof value !== 'object' || value === null) return false;
  const summary = value as Record<string, unknown>;
  return (
    Array.isArray(summary.candidates) &&
    summary.candidates.every(isCandidateSummary) &&
    isNumberOrNull(summary.ratio)
  );
}

/**
 * Reads the race runner's output (e.g. the outer console between the begin and exit markers):
 * lines that start with a {@link BOOT_RACE_LINE} prefix and a space count, anything else (an
 * echoed command, terminal noise) is ignored. Carriage returns are dropped. A prefixed line whose
 * JSON does not parse or has the wrong shape becomes a problem, not an exception.
 */
export function parseBootRaceOutput(text: string): ParsedBootRaceOutput {
  const parsed: ParsedBootRaceOutput = {
    runs: [],
    summary: null,
    logs: [],
    failure: null,
    problems: [],
  };
  const json = (line: string, prefix: string): unknown => {
    try {
      return JSON.parse(line.slice(prefix.length + 1));
    } catch {
      return undefined;
    }
  };
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replaceAll('\r', '').trim();
    if (line.startsWith(`${BOOT_RACE_LINE.run} `)) {
      const run = json(line, BOOT_RACE_LINE.run);
      if (isRun(run)) parsed.runs.push(run);
      else parsed.problems.push(`unreadable run line: ${line}`);
    } else if (line.startsWith(`${BOOT_RACE_LINE.result} `)) {
      const summary = json(line, BOOT_RACE_LINE.result);
      if (isSummary(summary)) parsed.summary = summary;
      else parsed.problems.push(`unreadable result line: ${line}`);
    } else if (line.startsWith(`${BOOT_RACE_LINE.log} `)) {
      parsed.logs.push(line.slice(BOOT_RACE_LINE.log.length + 1));
    } else if (line.startsWith(`${BOOT_RACE_LINE.fail} `)) {
      parsed.failure = line.slice(BOOT_RACE_LINE.fail.length + 1);
    }
  }
  return parsed;
}

/**
 * The race's summary: the runner's own result line, or when the runner was cut off before it
 * (the outer host's deadline) but reported runs, their summary computed here by
 * {@link summarizeBootRace}, so that their figures are not lost; `null` with no runs at all.
 */
export function raceSummary(
  parsed: ParsedBootRaceOutput,
  names: readonly string[],
  milestones: readonly string[],
): BootRaceSummary | null {
  if (parsed.summary !== null) return parsed.summary;
  return parsed.runs.length === 0 ? null : summarizeBootRace(names, milestones, parsed.runs);
}
