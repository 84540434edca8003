import { GUEST_INIT_MARKER } from '@vmm/guest-tools';
import type { ConsoleTranscript } from './markers.js';
import { KILLED_AT_OUTER_DEADLINE } from './vmm-exit-codes.js';

/**
 * What the outer host's shell prints, with a newline, when the command it waits for dies of
 * SIGKILL: busybox `sh` reports the signal of a foreground job. It follows vmm's last byte
 * directly, so on a guest stopped mid-line it ends that line.
 */
const OUTER_SHELL_KILL_NOTICE = 'Killed\n';

/**
 * The inner guest's last, unfinished console line when an attempt ended with the inner x86
 * guest stalled in the middle of printing, before its /init marker: vmm killed at the outer
 * host's deadline (exit 137) and the output stopping mid-line (the outer shell's `Killed` notice
 * and the outer script's `echo` after the command are not the guest's and are looked past). `null`
 * otherwise. In the nested test bed this has been seen through either decompression and with or
 * without buffered console writes, as often as the triple faults, and traced to the same cause:
 * the emulated SVM resuming the inner guest at the outer KVM's own RIP with the outer host's
 * CR3 (docs/BENCHMARKS.md); a guest that hangs at a prompt or after its marker is not matched,
 * so a vmm that loses input still fails at once.
 */
export function innerStall(transcript: ConsoleTranscript): string | null {
  if (transcript.vmmExitCode !== KILLED_AT_OUTER_DEADLINE) return null;
  const output = transcript.innerOutput;
  if (output.includes(GUEST_INIT_MARKER)) return null;
  const withoutEcho = output.endsWith('\n') ? output.slice(0, -1) : output;
  const printed = withoutEcho.endsWith(OUTER_SHELL_KILL_NOTICE)
    ? withoutEcho.slice(0, -OUTER_SHELL_KILL_NOTICE.length)
    : withoutEcho;
  if (printed.endsWith('\n')) return null;
  const lastLine = printed.slice(printed.lastIndexOf('\n') + 1).trim();
  return lastLine === '' ? null : lastLine;
}
