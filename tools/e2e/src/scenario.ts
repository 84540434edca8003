import { E2eError } from './errors.js';
import type { KernelRecords } from './kernel-records.js';

/** Waits until the console shows `pattern` (a regular expression source with `{placeholders}`). */
export interface ExpectStep {
  /** Discriminates the step kind. */
  kind: 'expect';
  /** What is expected, in words, for messages (e.g. `the inner shell prompt`). */
  what: string;
  /**
   * The regular expression source. `{token}`, `{kernelRelease}` and `{unameMachine}` are replaced
   * by the run's values, escaped, before it is compiled.
   */
  pattern: string;
  /** Regular expression flags, e.g. `m` so that `^`/`$` match at line ends. */
  flags?: string;
  /** Milliseconds to wait at most; until the watchdog when omitted. */
  timeoutMs?: number;
  /**
   * Whether the pattern sees the kernel's log records: `skip` (the default) takes them out
   * first, since the kernel writes them into the middle of whatever line a program is printing;
   * `keep` for a step that waits for a kernel line.
   */
  kernelRecords?: KernelRecords;
}

/** Types `text` (with `{placeholders}` replaced) into the console. */
export interface SendStep {
  /** Discriminates the step kind. */
  kind: 'send';
  /** The characters to type; a line needs its own `\n`. */
  text: string;
}

/** One step of a scenario; steps run in order once vmm has started in the outer host. */
export type ScenarioStep = ExpectStep | SendStep;

/** What the outer host is asked to run: vmm booting the inner guest, vmm with arguments, or a shell command. */
export type ScenarioCommand =
  | {
      /** Boot the inner guest (the @vmm/guest-tools kernel and stock initramfs). */
      kind: 'boot';
      /** Guest RAM, as vmm's `--memory` takes it (e.g. `256M`). */
      memory: string;
      /** vCPUs. */
      cpus: number;
      /** Kernel arguments added to the profile's `innerKernelArgs` (e.g. `vmm.test=poweroff`). */
      kernelArgs: readonly string[];
      /** vmm options added after the profile's `innerVmmArgs` (none when absent). */
      vmmArgs?: readonly string[];
    }
  | {
      /** Run vmm with these arguments and nothing else (e.g. `--help`). */
      kind: 'args';
      /** The arguments. */
      args: readonly string[];
    }
  | {
      /**
       * Run a shell command in the outer host instead of vmm; for tests of the harness itself
       * (e.g. making the outer kernel panic with `echo c > /proc/sysrq-trigger`).
       */
      kind: 'outer-shell';
      /** The command line for the outer host's busybox `sh`. */
      command: string;
    };

/** A nested end-to-end test, as data: what vmm runs, the console dialogue, the expected end. */
export interface Scenario {
  /** The name used on the command line (`vmm-e2e run --scenario <name>`). */
  name: string;
  /** One line saying what it shows. */
  description: string;
  /** What the outer host runs: normally vmm. */
  command: ScenarioCommand;
  /** The console dialogue, run after `E2E-VMM-BEGIN`. */
  steps: readonly ScenarioStep[];
  /** The exit status vmm must end with (0 power-off, 3 reboot, ...). */
  expectedExitCode: number;
  /** Milliseconds from starting QEMU after which the watchdog kills it. */
  watchdogMs: number;
  /** Milliseconds vmm may take to exit after the last step; 30 s when omitted. */
  exitTimeoutMs?: number;
}

/** The values `{placeholders}` in scenario steps stand for, per run. */
export interface ScenarioValues {
  /** A random token, fresh for each attempt (8 lower-case hex digits). */
  token: string;
  /** The inner kernel's release (`uname -r`). */
  kernelRelease: string;
  /** The inner guest's `uname -m`. */
  unameMachine: string;
}

/**
 * Replaces each `{name}` in `text` with `values[name]`, passed through `escape` (identity by
 * default). Braces around anything other than a plain name (e.g. the `{2,3}` of a regular
 * expression) are left alone.
 *
 * @throws {@link E2eError} for a `{name}` that is not one of {@link ScenarioValues}.
 */
export function fillPlaceholders(
  text: string,
  values: ScenarioValues,
  escape: (value: string) => string = (value) => value,
): string {
  return text.replaceAll(/\{([A-Za-z]+)\}/g, (_whole, name: string) => {
    if (!Object.hasOwn(values, name)) {
      throw new E2eError(
        `unknown placeholder {${name}} in a scenario; use {token}, {kernelRelease} or {unameMachine}`,
      );
    }
    return escape(values[name as keyof ScenarioValues]);
  });
}

/** Escapes `text` for use as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Compiles an {@link ExpectStep}'s pattern with the run's values filled in (escaped). */
export function compileExpectStep(step: ExpectStep, values: ScenarioValues): RegExp {
  return new RegExp(fillPlaceholders(step.pattern, values, escapeRegExp), step.flags ?? '');
}
