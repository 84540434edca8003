import { commandExists, runCommandForBytes } from '@vmm/guest-tools';

export { commandExists };

/**
 * Runs `command` with `args` (no shell) and resolves with its stdout as bytes; its output is
 * captured, not shown. It is @vmm/guest-tools' `runCommandForBytes`, so its errors are that
 * package's: `HostSetupError` when the command is not installed, `CommandFailedError` when it
 * exits non-zero or is killed.
 */
export const runHostCommand = (command: string, args: readonly string[]): Promise<Buffer> =>
  runCommandForBytes(command, args);
