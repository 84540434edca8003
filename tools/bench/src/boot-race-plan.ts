/** One program the boot-time race starts: a name for the figures and its argument vector. */
export interface BootRaceCandidate {
  /** The name it is reported under, e.g. `vmm` or `qemu`. */
  name: string;
  /** The program and its arguments, spawned without a shell. */
  argv: readonly string[];
}

/**
 * What the race runner in the outer host does: `runs` rounds, each starting every candidate once
 * in order (so candidates alternate), timing each from spawn to the first appearance of
 * `marker` on its stdout, then waiting for it to exit.
 */
export interface BootRacePlan {
  /** Rounds; every candidate runs once per round. */
  runs: number;
  /** The text whose first appearance on a candidate's stdout ends its timing. */
  marker: string;
  /**
   * Texts on the way to the marker (e.g. the kernel's `Linux version` banner) whose first
   * appearance is timed too, to show where the time goes; none may be empty.
   */
  milestones: readonly string[];
  /** A run that shows no marker within this many milliseconds is killed and fails. */
  markerTimeoutMs: number;
  /** After the marker, the candidate must exit within this many milliseconds or is killed. */
  exitTimeoutMs: number;
  /** A pause between runs, in milliseconds, so that one run's teardown cannot overlap the next. */
  settleMs: number;
  /** The candidates, in the order each round starts them; the first is compared to the second. */
  candidates: readonly BootRaceCandidate[];
  /**
   * Whether KVM's events are recorded during each run (`KvmFlightRecorder`): their counts
   * printed for every run, the events themselves when a run fails; off when absent. It is for
   * hunting faults, not for figures: tracing adds work in the outer host while the guest boots.
   */
  traceKvm?: boolean;
}

/** The outcome of {@link decodeBootRacePlan}: the plan, or why the text is not one. */
export type DecodedBootRacePlan = { ok: true; plan: BootRacePlan } | { ok: false; problem: string };

/** Encodes `plan` as one shell-safe word (base64url of its JSON) for the runner's command line. */
export function encodeBootRacePlan(plan: BootRacePlan): string {
  return Buffer.from(JSON.stringify(plan), 'utf8').toString('base64url');
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function isCandidate(value: unknown): value is BootRaceCandidate {
  if (typeof value !== 'object' || value === null) return false;
  const { name, argv } = value as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    name !== '' &&
    Array.isArray(argv) &&
    argv.length > 0 &&
    argv.every((arg) => typeof arg === 'string')
  );
}

/** Decodes and checks a plan encoded by {@link encodeBootRacePlan}. */
export function decodeBootRacePlan(word: string): DecodedBootRacePlan {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(word, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, problem: 'the plan is not base64url-encoded JSON' };
  }
  if (typeof value !== 'object' || value === null) {
    return { ok: false, problem: 'the plan is not a JSON object' };
  }
  const plan = value as Record<string, unknown>;
  for (const field of ['runs', 'markerTimeoutMs', 'exitTimeoutMs'] as const) {
    if (!isPositiveInteger(plan[field])) {
      return { ok: false, problem: `the plan's ${field} is not a positive whole number` };
    }
  }
  if (typeof plan.settleMs !== 'number' || !(plan.settleMs >= 0)) {
    return { ok: false, problem: "the plan's settleMs is not a number >= 0" };
  }
  if (typeof plan.marker !== 'string' || plan.marker === '') {
    return { ok: false, problem: "the plan's marker is not a non-empty string" };
  }
  if (plan.traceKvm !== undefined && typeof plan.traceKvm !== 'boolean') {
    return { ok: false, problem: "the plan's traceKvm is not a boolean" };
  }
  const milestones = plan.milestones;
  if (
    !Array.isArray(milestones) ||
    !milestones.every((text) => typeof text === 'string' && text !== '')
  ) {
    return { ok: false, problem: "the plan's milestones are not a list of non-empty strings" };
  }
  const candidates = plan.candidates;
  if (!Array.isArray(candidates) || candidates.length < 2 || !candidates.every(isCandidate)) {
    return {
      ok: false,
      problem: 'the plan needs at least two candidates, each with a name and a non-empty argv',
    };
  }
  const names = candidates.map((candidate) => candidate.name);
  if (new Set(names).size !== names.length) {
    return { ok: false, problem: `candidate names repeat: ${names.join(', ')}` };
  }
  return { ok: true, plan: value as BootRacePlan };
}
