#!/usr/bin/env node
import { createRequire } from 'node:module';
import { VmmError } from '@vmm/core';
import { parseCliOptions, UsageError } from './cli-options.js';
import { EXIT_CODES } from './exit-codes.js';
import { HELP } from './help.js';
import { runVm } from './run-vm.js';

const args = process.argv.slice(2);
const debug = args.includes('--debug');

async function main(): Promise<number> {
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
      return runVm(options, process);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`vmm: ${error.message}\nTry 'vmm --help'.\n`);
      process.exit(EXIT_CODES.usage);
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`vmm: ${message}\n`);
    if (debug && error instanceof Error && error.stack !== undefined) {
      process.stderr.write(`${error.stack}\n`);
    } else if (!(error instanceof VmmError)) {
      process.stderr.write(
        'vmm: this looks like a bug in vmm; run again with --debug for details\n',
      );
    }
    process.exit(EXIT_CODES.vmmError);
  },
);
