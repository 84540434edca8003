import { commandSpan, normalizeConsole } from './markers.js';

/** Lines by which the outer kernel announces a panic (the emulator bug shows as the second). */
export const OUTER_PANIC_PATTERNS: readonly RegExp[] = [
  /Kernel panic - not syncing/,
  /corrupted stack end detected inside scheduler/,
];

/**
 * Lines by which the outer kernel reports that it stopped running for many seconds: an RCU
 * stall, which the emulator's occasional freeze of the outer host's CPUs leaves behind when it
 * lets them go again (seen in a CI run: the inner guest powered off, vmm said so, and the outer
 * host went silent for 21 s before this line).
 */
export const OUTER_STALL_PATTERNS: readonly RegExp[] = [
  /rcu: INFO: rcu_\w+ (self-)?detected stalls? on CPUs?/,
];

/** Lines by which the outer kernel announces a fault it survived (an oops). */
export const OUTER_OOPS_PATTERNS: readonly RegExp[] = [
  /\bBUG: /,
  /\bOops: /,
  /general protection fault/,
  /stack-protector: Kernel stack is corrupted/,
];

/** Evidence that the emulated outer host's kernel failed. */
export interface OuterKernelFault {
  /**
   * `panic`: the outer host died; `oops`: its kernel reported a fault and went on; `freeze`: it
   * stopped responding (its kernel reported an RCU stall, or it let the command's deadline pass
   * in silence until the watchdog);
   * `reset`: it reset itself without a word while the command ran (with `-no-reboot` a reset
   * ends QEMU; the emulator's SVM occasionally triple-faults the outer host).
   */
  kind: 'panic' | 'oops' | 'freeze' | 'reset';
  /** The first line that shows it (for a freeze or a reset, what the harness saw). */
  line: string;
  /**
   * Where it was found: the outer kernel's own log port, the shared console, (a freeze) the
   * harness's watchdog, or (a reset) QEMU's ending.
   */
  source: 'kernel-log' | 'console' | 'watchdog' | 'qemu';
}

/** The {@link OuterKernelFault.line} of a reset. */
export const OUTER_RESET_LINE =
  'QEMU ended by itself while the command still ran, with no panic from the outer kernel';

/** Describes `fault` for a result note, e.g. `the outer host's kernel reported a panic ("...")`. */
export function describeOuterFault(fault: OuterKernelFault): string {
  switch (fault.kind) {
    case 'freeze':
      return fault.source === 'watchdog'
        ? `the outer host stopped responding (${fault.line})`
        : `the outer host stopped responding ("${fault.line}")`;
    case 'reset':
      return `the outer host reset itself (${fault.line})`;
    case 'panic':
    case 'oops':
      return `the outer host's kernel reported a ${fault.kind} ("${fault.line}")`;
  }
}

/** What {@link detectOuterKernelFault} looks at. */
export interface OuterFaultInput {
  /** The outer kernel's log port, or `null` when its log shares the console port. */
  kernelLog: string | null;
  /** The outer console transcript. */
  console: string;
  /** QEMU ended by itself (the outer host powered off or died), not killed by the harness. */
  qemuExitedByItself: boolean;
}

function firstMatch(text: string, patterns: readonly RegExp[]): string | null {
  for (const line of text.split('\n')) {
    if (patterns.some((pattern) => pattern.test(line))) {
      return line.trim();
    }
  }
  return null;
}

/**
 * Tells whether the outer host's kernel panicked or oopsed, and shows the line that says so;
 * failing that, whether the outer host reset itself: QEMU ended by itself inside a command span
 * that never closed (the outer /init prints the exit marker before it powers off, whatever the
 * command did, so only the outer host's own death ends QEMU there).
 *
 * With a separate kernel log port everything on it is the outer kernel's, so any panic or oops
 * line there counts. With a shared console, the inner guest's kernel can print the same words,
 * so a line counts only outside the command's span (before `E2E-VMM-BEGIN` or after the exit
 * marker), or inside a span that never closed while QEMU ended by itself: the inner kernel
 * cannot stop QEMU, only the outer one can (with `panic=-1` and `-no-reboot`).
 */
export function detectOuterKernelFault(input: OuterFaultInput): OuterKernelFault | null {
  return detectReportedFault(input) ?? detectReset(input);
}

function detectReset(input: OuterFaultInput): OuterKernelFault | null {
  const span = commandSpan(normalizeConsole(input.console));
  return input.qemuExitedByItself && span !== null && span.end === null
    ? { kind: 'reset', line: OUTER_RESET_LINE, source: 'qemu' }
    : null;
}

function detectReportedFault(input: OuterFaultInput): OuterKernelFault | null {
  if (input.kernelLog !== null) {
    const log = normalizeConsole(input.kernelLog);
    const panic = firstMatch(log, OUTER_PANIC_PATTERNS);
    if (panic !== null) {
      return { kind: 'panic', line: panic, source: 'kernel-log' };
    }
    const stall = firstMatch(log, OUTER_STALL_PATTERNS);
    if (stall !== null) {
      return { kind: 'freeze', line: stall, source: 'kernel-log' };
    }
    const oops = firstMatch(log, OUTER_OOPS_PATTERNS);
    return oops === null ? null : { kind: 'oops', line: oops, source: 'kernel-log' };
  }
  const text = normalizeConsole(input.console);
  const span = commandSpan(text);
  const outside =
    span === null
      ? text
      : `${text.slice(0, span.start)}\n${span.end === null ? '' : text.slice(span.end)}`;
  const panic = firstMatch(outside, OUTER_PANIC_PATTERNS);
  if (panic !== null) {
    return { kind: 'panic', line: panic, source: 'console' };
  }
  if (span !== null && span.end === null && input.qemuExitedByItself) {
    const inside = firstMatch(text.slice(span.start), OUTER_PANIC_PATTERNS);
    if (inside !== null) {
      return { kind: 'panic', line: inside, source: 'console' };
    }
  }
  const stall = firstMatch(outside, OUTER_STALL_PATTERNS);
  if (stall !== null) {
    return { kind: 'freeze', line: stall, source: 'console' };
  }
  const oops = firstMatch(outside, OUTER_OOPS_PATTERNS);
  return oops === null ? null : { kind: 'oops', line: oops, source: 'console' };
}
