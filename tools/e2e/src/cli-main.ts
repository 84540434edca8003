import { parseArgs } from 'node:util';
import { E2E_ARCH_PROFILES, parseE2eArch } from './arch-profile.js';
import { attachShell } from './attach-shell.js';
import { ensureQemu } from './host-setup.js';
import type { E2eLogger } from './logger.js';
import { buildOuterImage } from './outer-image.js';
import { qemuArgs } from './qemu-command.js';
import { summarizeResult } from './result-summary.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import { SCENARIOS, findScenario } from './scenarios.js';
import { shellQuote } from './outer-command.js';

/** Where {@link runCli} writes; the real streams in `vmm-e2e`, collectors in tests. */
export interface CliIo {
  /** Writes results (summaries, JSON, paths). */
  stdout: (text: string) => void;
  /** Writes progress lines and, unless `--quiet`, the live outer console. */
  stderr: (text: string) => void;
}

/** The text `vmm-e2e --help` prints. */
export const CLI_USAGE = `Usage: vmm-e2e <command> [options]

End-to-end tests of vmm under nested virtualization: QEMU (software emulation) boots a Linux
outer host with KVM, whose /init runs vmm, which boots the inner Linux guest.

Commands:
  run      run scenarios (all of them unless --scenario is given); exit 0 when all pass
  list     list the scenarios
  build    build (or find in the cache) the outer image; print it and the QEMU command line
  shell    boot the inner guest's shell with this terminal attached (Ctrl-] stops QEMU)

Options:
  --arch <arch>          architecture: x86_64 (default) or aarch64
  --scenario <name>      a scenario to run (repeatable)
  --watchdog <seconds>   override the scenarios' watchdog
  --json                 print the results as JSON instead of summaries
  --quiet                do not show the outer console while running
  -h, --help             show this help
`;

const COMMANDS = ['run', 'list', 'build', 'shell'] as const;

/**
 * Runs the `vmm-e2e` command line with `argv` (arguments after the program name) and returns
 * the process exit code: 0 on success (every scenario passed), 1 when something failed, 2 on a
 * usage error. Errors are reported as one `vmm-e2e: <message>` line on `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        arch: { type: 'string', default: 'x86_64' },
        scenario: { type: 'string', multiple: true },
        watchdog: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr(`vmm-e2e: ${oneLine(error)} (see vmm-e2e --help)\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.stdout(CLI_USAGE);
    return 0;
  }
  const [command, ...rest] = parsed.positionals;
  if (!COMMANDS.includes(command as (typeof COMMANDS)[number]) || rest.length > 0) {
    const what = command === undefined ? 'no command given' : `unknown command '${argv.join(' ')}'`;
    io.stderr(`vmm-e2e: ${what}; use ${COMMANDS.join(', ')} (see vmm-e2e --help)\n`);
    return 2;
  }
  const watchdogSeconds =
    parsed.values.watchdog === undefined ? undefined : Number(parsed.values.watchdog);
  if (watchdogSeconds !== undefined && !(watchdogSeconds > 0)) {
    io.stderr(`vmm-e2e: --watchdog takes a positive number of seconds\n`);
    return 2;
  }
  const log: E2eLogger = (message) => io.stderr(`vmm-e2e: ${message}\n`);
  try {
    const arch = parseE2eArch(parsed.values.arch ?? 'x86_64');
    const profile = E2E_ARCH_PROFILES[arch];
    if (command === 'list') {
      for (const scenario of Object.values(SCENARIOS)) {
        io.stdout(`${scenario.name.padEnd(16)}${scenario.description}\n`);
      }
      return 0;
    }
    const scenarios = (parsed.values.scenario ?? Object.keys(SCENARIOS)).map(findScenario);
    await ensureQemu(profile, log);
    if (command === 'shell') {
      return await attachShell({ arch, log });
    }
    const image = await buildOuterImage({ arch, log });
    if (command === 'build') {
      const args = qemuArgs(profile, { ...image, kernelLogFile: 'outer-kernel.log' });
      io.stdout(
        `kernel ${image.kernel}\ninitrd ${image.initrd}\nkey ${image.key}\n` +
          `qemu ${[profile.qemuBinary, ...args].map(shellQuote).join(' ')}\n`,
      );
      return 0;
    }
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const result = await runScenario({
        scenario,
        arch,
        image,
        log,
        watchdogMs: watchdogSeconds === undefined ? undefined : watchdogSeconds * 1000,
        onOutput: parsed.values.quiet === true ? undefined : io.stderr,
      });
      results.push(result);
      if (parsed.values.json !== true) {
        io.stdout(summarizeResult(result));
      }
    }
    if (parsed.values.json === true) {
      io.stdout(`${JSON.stringify(results, null, 2)}\n`);
    }
    return results.every((result) => result.passed) ? 0 : 1;
  } catch (error) {
    io.stderr(`vmm-e2e: ${oneLine(error)}\n`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
