import { describe, expect, it } from 'vitest';
import { innerStall, withoutKernelRecords, type ConsoleTranscript } from '../src/index.js';

/** A transcript of a command that ended with `vmmExitCode` after printing `innerOutput`. */
function transcript(innerOutput: string, vmmExitCode: number | null = 137): ConsoleTranscript {
  return {
    outerInit: true,
    outerReady: true,
    outerFailure: null,
    outerKvmLog: [],
    commandStarted: true,
    vmmExitCode,
    innerOutput,
    innerProgramOutput: withoutKernelRecords(innerOutput).text,
  };
}

describe('innerStall', () => {
  const stalled = '[    0.0] Linux version 6.1\n[    1.9] NET: Registered PF_NETLINK famil\n';

  it('gives the unfinished line of a guest killed at the deadline mid-line', () => {
    expect(innerStall(transcript(stalled))).toBe('[    1.9] NET: Registered PF_NETLINK famil');
  });

  it("looks past the outer shell's Killed notice, as the outer host prints it", () => {
    const cutOff = '[    1.3] Calibrating delay loop (skipped) preset value.. 51Killed\n\n';
    expect(innerStall(transcript(`[    0.0] Linux version 6.1\n${cutOff}`))).toBe(
      '[    1.3] Calibrating delay loop (skipped) preset value.. 51',
    );
  });

  it('leaves out a guest that went quiet after a whole line', () => {
    expect(innerStall(transcript('[    0.0] Linux version 6.1\n\n'))).toBeNull();
    expect(innerStall(transcript('[    0.0] Linux version 6.1\nKilled\n\n'))).toBeNull();
  });

  it('leaves out a guest past its /init marker (a prompt that gets no input) and other exits', () => {
    expect(innerStall(transcript('VMM-GUEST-INIT-OK\n/ # \n'))).toBeNull();
    expect(innerStall(transcript(stalled, 4))).toBeNull();
    expect(innerStall(transcript(stalled, null))).toBeNull();
  });
});
