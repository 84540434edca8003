export {
  parseCliOptions,
  UsageError,
  ACCELERATORS,
  type Accelerator,
  type CliOptions,
} from './cli-options.js';
export {
  ConsoleEscapeFilter,
  ESCAPE_BYTE,
  ESCAPE_HELP,
  type EscapeCommand,
  type FilteredInput,
} from './console-escape.js';
export { EXIT_CODES, exitCodeFor } from './exit-codes.js';
export { failureHint } from './failure-hint.js';
export { HELP } from './help.js';
export { runVm, type Terminal } from './run-vm.js';
