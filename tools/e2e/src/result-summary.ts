import type { ScenarioResult } from './run-scenario.js';
import { describeVmmExit } from './vmm-exit-codes.js';

/** How many lines of the inner guest's output a summary shows. */
const INNER_TAIL_LINES = 12;

function seconds(ms: number | null): string {
  return ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Renders a scenario result for people: verdict, timings, vmm's exit status, notes (such as a
 * retry after an outer kernel panic), failures with hints, the tail of the inner guest's output
 * and where the logs are.
 */
export function summarizeResult(result: ScenarioResult): string {
  const lines = [
    `${result.scenario} [${result.arch}]: ${result.passed ? 'passed' : 'FAILED'} in ${seconds(result.timings.totalMs)}` +
      ` (attempt ${result.attempt} of ${result.attempts.length})`,
    `  outer boot ${seconds(result.timings.outerBootMs)}; vmm start to inner /init ${seconds(result.timings.vmmToInnerInitMs)}; vmm run ${seconds(result.timings.vmmRunMs)}`,
    `  vmm exit: ${result.transcript.vmmExitCode === null ? 'none' : describeVmmExit(result.transcript.vmmExitCode)}`,
    ...result.notes.map((note) => `  note: ${note}`),
    ...result.failures.map((failure) => `  failure: ${failure}`),
    ...result.hints.map((hint) => `  hint: ${hint}`),
  ];
  if (!result.passed) {
    const inner = result.transcript.innerOutput.trimEnd().split('\n').slice(-INNER_TAIL_LINES);
    lines.push(
      `  inner output (last ${inner.length} lines):`,
      ...inner.map((line) => `    | ${line}`),
    );
  }
  lines.push(`  logs: ${result.runDir}`);
  return `${lines.join('\n')}\n`;
}
