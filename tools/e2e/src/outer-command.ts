import type { E2eArchProfile } from './arch-profile.js';
import { OUTER_IMAGE_LAYOUT } from './outer-image.js';
import { STALL_SNAPSHOT_LEAD_SECONDS } from './outer-stall-snapshot.js';
import type { ScenarioCommand } from './scenario.js';

/** Quotes `word` for a POSIX shell (busybox `sh`), unless it needs no quoting. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The shell command line the outer /init runs for `command`: `vmm` (the wrapper in the outer
 * image) with the inner kernel and initramfs of the image, the inner kernel's command line being
 * `profile.innerKernelArgs` plus the scenario's arguments, and `profile.innerVmmArgs`; or `vmm`
 * with the given arguments;
 * or an `outer-shell` command as it is.
 */
export function outerCommandLine(profile: E2eArchProfile, command: ScenarioCommand): string {
  if (command.kind === 'outer-shell') {
    return command.command;
  }
  const args =
    command.kind === 'args'
      ? command.args
      : [
          '--kernel',
          OUTER_IMAGE_LAYOUT.innerKernel,
          '--initramfs',
          OUTER_IMAGE_LAYOUT.innerInitramfs,
          '--memory',
          command.memory,
          '--cpus',
          String(command.cpus),
          '--accel',
          'kvm',
          ...profile.innerVmmArgs,
          ...(command.vmmArgs ?? []),
          '--cmdline',
          [...profile.innerKernelArgs, ...command.kernelArgs].join(' '),
        ];
  return ['vmm', ...args].map(shellQuote).join(' ');
}

/** Where a command's deadline has the outer host look at the VMs before it kills the command. */
export interface StallSnapshotTarget {
  /** The snapshot script in the outer image (`renderStallSnapshotScript`). */
  readonly script: string;
  /** The device its lines go to: the kernel log port, so that the console stays the guest's. */
  readonly device: string;
}

/**
 * Wraps `commandLine` so that the outer host itself kills it (SIGKILL, exit status 137) after
 * `seconds`: busybox `timeout` execs the command in its own place (it keeps the console) and
 * leaves a watcher process behind. A vmm or inner guest that hangs so ends with a status the
 * harness reads, and an outer host that stays silent past the deadline has stopped responding.
 *
 * With `snapshot`, a background job runs `snapshot.script` into `snapshot.device`
 * {@link STALL_SNAPSHOT_LEAD_SECONDS} before the deadline (when the deadline leaves room for
 * it), and is stopped when the command ends sooner (its `sleep` runs out on its own, holding no
 * terminal); the wrapped line's exit status stays the command's.
 */
export function withOuterDeadline(
  commandLine: string,
  seconds: number,
  snapshot?: StallSnapshotTarget,
): string {
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new RangeError(`an outer deadline is a whole number of seconds >= 1; got ${seconds}`);
  }
  const command = `timeout -s KILL ${seconds} sh -c ${shellQuote(commandLine)}`;
  if (snapshot === undefined || seconds <= STALL_SNAPSHOT_LEAD_SECONDS) {
    return command;
  }
  const look = `${shellQuote(snapshot.script)} >${shellQuote(snapshot.device)} 2>&1`;
  return (
    `( sleep ${seconds - STALL_SNAPSHOT_LEAD_SECONDS}; ${look} ) >/dev/null 2>&1 & snapshot_job=$!; ` +
    `${command}; command_status=$?; kill $snapshot_job 2>/dev/null; (exit $command_status)`
  );
}
