import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CommandFailedError, HostSetupError } from './errors.js';

/** What a host command printed. */
export interface CommandOutput {
  /** Everything it wrote to stdout. */
  stdout: string;
  /** Everything it wrote to stderr. */
  stderr: string;
}

/** Options for {@link runCommand}. */
export interface RunCommandOptions {
  /** Working directory; the current one by default. */
  cwd?: string;
}

/** The most output a host command may write to stdout before it is cut off as failed. */
const MAX_COMMAND_OUTPUT = 256 * 1024 * 1024;

/**
 * Runs `command` with `args` (no shell, C locale, non-interactive apt/dpkg), waits for it and
 * returns its stdout and stderr as bytes; a failure's last stderr line goes into the error.
 */
function execCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<{ stdout: Buffer; stderr: Buffer }> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        encoding: 'buffer',
        maxBuffer: MAX_COMMAND_OUTPUT,
        env: { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' },
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolvePromise({ stdout, stderr });
          return;
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new HostSetupError(`\`${command}\` is not installed or not on PATH`));
          return;
        }
        const exitCode = typeof error.code === 'number' ? error.code : null;
        const tail = stderr.toString('utf8').trim().split('\n').at(-1) ?? '';
        reject(new CommandFailedError(command, args, exitCode, tail.trim()));
      },
    );
  });
}

/**
 * Runs `command` with `args` (no shell), waits for it and returns its output as text. Its
 * output is captured, not shown; a failure's last stderr line goes into the error.
 *
 * @throws {@link HostSetupError} when the command is not installed.
 * @throws {@link CommandFailedError} when it exits non-zero or is killed.
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandOutput> {
  const { stdout, stderr } = await execCommand(command, args, options);
  return { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
}

/**
 * {@link runCommand} for a command whose stdout is binary (`xz -dc`, ...): resolves with it
 * as bytes.
 *
 * @throws {@link HostSetupError} when the command is not installed.
 * @throws {@link CommandFailedError} when it exits non-zero or is killed.
 */
export async function runCommandForBytes(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<Buffer> {
  return (await execCommand(command, args, options)).stdout;
}

/** Tells whether an executable named `command` is on PATH. */
export function commandExists(command: string, path: string = process.env.PATH ?? ''): boolean {
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** Tells whether this process runs as root (and may thus run `apt-get update` / `install`). */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
