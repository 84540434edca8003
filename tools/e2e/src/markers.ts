import { GUEST_INIT_MARKER } from '@vmm/guest-tools';
import { withoutKernelRecords } from './kernel-records.js';

/**
 * The lines the outer host's /init prints on its console port, in the order it prints them.
 * Inner guest output only ever appears between {@link OUTER_MARKERS.commandBegin} and
 * {@link OUTER_MARKERS.commandExit}.
 */
export const OUTER_MARKERS = {
  /** The outer /init runs (proc, sysfs, devtmpfs mounted; console port opened). */
  init: 'E2E-OUTER-INIT',
  /** `E2E-OUTER-FAIL=<reason>`: the outer host cannot run the test (it powers off next). */
  fail: 'E2E-OUTER-FAIL',
  /** Prefix of the outer kernel's KVM lines (`dmesg`), copied to the console for the record. */
  dmesg: 'E2E-OUTER-DMESG:',
  /** The KVM modules are loaded and /dev/kvm exists; /init now reads one command line. */
  ready: 'E2E-OUTER-READY',
  /** The command line was read; what follows is the command's terminal (vmm and the inner guest). */
  commandBegin: 'E2E-VMM-BEGIN',
  /** `E2E-VMM-EXIT=<code>`: the command ended with that exit status. */
  commandExit: 'E2E-VMM-EXIT',
  /**
   * Prefix of the KVM counters the outer host writes to its kernel log port shortly before it
   * kills a command at its deadline (see `renderStallSnapshotScript`); never on the console.
   */
  stallSnapshot: 'E2E-STALL',
} as const;

/** Every marker whose first appearance a session timestamps, the inner guest's included. */
export const TIMED_MARKERS: readonly string[] = [
  OUTER_MARKERS.init,
  OUTER_MARKERS.ready,
  OUTER_MARKERS.fail,
  OUTER_MARKERS.commandBegin,
  GUEST_INIT_MARKER,
  OUTER_MARKERS.commandExit,
];

/** What an outer console transcript says about a run. */
export interface ConsoleTranscript {
  /** The outer /init started. */
  outerInit: boolean;
  /** The outer host was ready (modules loaded, /dev/kvm present). */
  outerReady: boolean;
  /** The reason the outer /init gave up with, or `null`. */
  outerFailure: string | null;
  /** The outer kernel's KVM log lines the /init copied to the console. */
  outerKvmLog: string[];
  /** The command (vmm) started. */
  commandStarted: boolean;
  /** The command's exit status, or `null` when it never ended. */
  vmmExitCode: number | null;
  /** Everything between the begin and exit markers: vmm's terminal with the inner guest. */
  innerOutput: string;
  /**
   * {@link ConsoleTranscript.innerOutput} without the kernel's log records (see
   * `withoutKernelRecords`): the lines programs printed, whole even where a record interrupted
   * them.
   */
  innerProgramOutput: string;
}

/** The escape character that starts terminal control sequences. */
const ESC = String.fromCharCode(0x1b);

/** A complete ANSI control sequence (CSI), e.g. the cursor query `ESC [ 6 n` busybox sh sends. */
const CSI_SEQUENCE = new RegExp(`${ESC}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

/** The start of a control sequence cut off at the end of a chunk of output. */
const PARTIAL_CSI_AT_END = new RegExp(`${ESC}(\\[[0-9;?]*[ -/]*)?$`);

/**
 * Removes carriage returns and terminal control sequences, so that lines end in `\n` whatever
 * the terminals in between did (the inner guest writes `\r\n`, the outer tty's output
 * processing may add another `\r`) and a shell prompt reads as typed, without the cursor
 * position query busybox `sh` sends after it.
 */
export function normalizeConsole(text: string): string {
  return text.replaceAll(CSI_SEQUENCE, '').replaceAll('\r', '');
}

/**
 * Splits streamed console output into the part that can be normalized now and an unfinished
 * control sequence at its end (empty when there is none), to be prepended to the next chunk.
 */
export function splitPartialControlSequence(text: string): [complete: string, rest: string] {
  const partial = PARTIAL_CSI_AT_END.exec(text);
  return partial === null ? [text, ''] : [text.slice(0, partial.index), partial[0]];
}

/**
 * A pattern that matches a whole line of normalized console output matching `source` (a regular
 * expression's source) once the line's newline has arrived. `^...$` alone would also match at the
 * end of the output received so far, while the outer host is still writing the line; input sent
 * then is echoed by the outer tty into the middle of it (`E2E-OUTER-READYtimeout -s KILL ...`,
 * seen on the arm64 outer host), which then no longer reads as the marker.
 */
export function completeLine(source: string): RegExp {
  return new RegExp(`^(?:${source})\n`, 'm');
}

const BEGIN_LINE = new RegExp(`^${OUTER_MARKERS.commandBegin}$`, 'm');
const EXIT_MARKER = new RegExp(`${OUTER_MARKERS.commandExit}=(\\d+)`);
const FAIL_LINE = new RegExp(`^${OUTER_MARKERS.fail}=(.*)$`, 'm');

/** Returns where the command's output starts and ends in normalized `text`, if it started. */
export function commandSpan(text: string): { start: number; end: number | null } | null {
  const begin = BEGIN_LINE.exec(text);
  if (begin === null) {
    return null;
  }
  const start = begin.index + begin[0].length + 1;
  const exit = EXIT_MARKER.exec(text.slice(start));
  return { start, end: exit === null ? null : start + exit.index };
}

/**
 * Parses a (normalized or raw) outer console transcript. Markers printed by the outer /init
 * count only outside the command's span, so inner guest output can never fake them; the exit
 * marker is found anywhere after the begin line, since vmm may leave its last line unfinished.
 */
export function parseConsoleTranscript(raw: string): ConsoleTranscript {
  const text = normalizeConsole(raw);
  const span = commandSpan(text);
  const outer = span === null ? text : text.slice(0, span.start);
  const lines = outer.split('\n');
  const exit = span === null ? null : EXIT_MARKER.exec(text.slice(span.start));
  const failure = FAIL_LINE.exec(outer);
  const inner = span === null ? '' : text.slice(span.start, span.end ?? undefined);
  return {
    outerInit: lines.includes(OUTER_MARKERS.init),
    outerReady: lines.includes(OUTER_MARKERS.ready),
    outerFailure: failure === null ? null : (failure[1] ?? '').trim(),
    outerKvmLog: lines
      .filter((line) => line.startsWith(OUTER_MARKERS.dmesg))
      .map((line) => line.slice(OUTER_MARKERS.dmesg.length).trim()),
    commandStarted: span !== null,
    vmmExitCode: exit === null ? null : Number(exit[1]),
    innerOutput: inner,
    innerProgramOutput: withoutKernelRecords(inner).text,
  };
}
