import type { ConsoleTranscript } from './markers.js';
import { VMM_EXIT_GUEST_CRASHED } from './vmm-exit-codes.js';

/** vmm's one-line report of a `triple-fault` outcome, as it appears in the inner output. */
const TRIPLE_FAULT_REPORT = /vmm: guest triple-faulted on vCPU \d+[^\r\n]*/;

/**
 * vmm's report when the inner x86 guest of an attempt triple-faulted (vmm exited 4 saying so),
 * or `null`. In the nested test bed this is, as far as traced, the emulated SVM's doing: a
 * kvm_exit trace of one shows the guest resuming after a console exit and taking a "not
 * present" page fault fetching the next instruction, from the page it had just executed, and
 * the stalls of the same bed show the inner vCPU resumed at the outer KVM's own RIP after
 * VMRUN with the outer host's CR3 (docs/BENCHMARKS.md). The harness retries such an attempt
 * once, and says so.
 */
export function innerTripleFault(transcript: ConsoleTranscript): string | null {
  if (transcript.vmmExitCode !== VMM_EXIT_GUEST_CRASHED) return null;
  return TRIPLE_FAULT_REPORT.exec(transcript.innerOutput)?.[0].trim() ?? null;
}
