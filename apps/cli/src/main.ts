import { createRequire } from 'node:module';
import { VmmError } from '@vmm/core';
import type { VcpuThreadWarmup } from '@vmm/machine';
import { parseCliOptions, UsageError } from './cli-options.js';
import { EXIT_CODES } from './exit-codes.js';
import { HELP } from './help.js';
import { runVm } from './run-vm.js';

async function run(args: readonly string[], warmup: VcpuThreadWarmup | undefined): Promise<number> {
  const options = parseCliOptions(args);
  switch (options.action) {
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case 'version': {
      const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
      process.stdout.write(`vmm ${version}\n`);
      return 0;
    }
    case 'run':
      return runVm(options, process, warmup);
  }
}

/** Reports `error` on stderr the way the `vmm` command does and returns its exit status. */
function report(error: unknown, debug: boolean): number {
  if (error instanceof UsageError) {
    process.stderr.write(`vmm: ${error.message}\nTry 'vmm --help'.\n`);
    return EXIT_CODES.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`vmm: ${message}\n`);
  if (debug && error instanceof Error && error.stack !== undefined) {
    process.stderr.write(`${error.stack}\n`);
  } else if (!(error instanceof VmmError)) {
    process.stderr.write('vmm: this looks like a bug in vmm; run again with --debug for details\n');
  }
  return EXIT_CODES.vmmError;
}

/**
 * Runs the `vmm` command with `args` (without the node and script paths) and exits the process
 * with its status. `warmup` holds vCPU threads the entry point started before loading this.
 */
export async function main(
  args: readonly string[],
  warmup: VcpuThreadWarmup | undefined,
): Promise<never> {
  let code: number;
  try {
    code = await run(args, warmup);
  } catch (error) {
    code = report(error, args.includes('--debug'));
  }
  process.exit(code);
}
