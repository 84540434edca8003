import { execFile } from 'node:child_process';
import { commandExists } from '@vmm/guest-tools';
import { HostCommandError, HostToolMissingError } from './errors.js';

export { commandExists };

/**
 * Runs `command` with `args` (no shell) and resolves with its stdout as bytes; its output is
 * captured, not shown.
 *
 * @throws {@link HostToolMissingError} when the command is not installed.
 * @throws {@link HostCommandError} when it exits non-zero or is killed.
 */
export function runHostCommand(command: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      {
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' },
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolvePromise(stdout);
          return;
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new HostToolMissingError(`\`${command}\` is not installed or not on PATH`));
          return;
        }
        const exitCode = typeof error.code === 'number' ? error.code : null;
        const tail = stderr.toString('utf8').trim().split('\n').at(-1) ?? '';
        reject(new HostCommandError(command, args, exitCode, tail.trim()));
      },
    );
  });
}
