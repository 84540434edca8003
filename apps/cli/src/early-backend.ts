import { parseArgs } from 'node:util';
import type { ModuleExport } from '@vmm/machine/warmup';
import { backendFor } from './backends.js';
import { CLI_OPTION_SPEC, isAccelerator } from './cli-option-spec.js';

/**
 * The backend a `vmm` command line will boot a VM with, read before vmm's modules are loaded so
 * that the boot vCPU's thread can start first; `undefined` when it will not boot one (help,
 * version, no kernel) or is malformed, which the full parse then reports.
 */
export function earlyBackend(args: readonly string[]): ModuleExport | undefined {
  let values;
  try {
    values = parseArgs({ args: [...args], strict: true, options: CLI_OPTION_SPEC }).values;
  } catch {
    return undefined;
  }
  if (values.help === true || values.version === true || values.kernel === undefined) {
    return undefined;
  }
  const accel = values.accel ?? 'kvm';
  return isAccelerator(accel) ? backendFor(accel) : undefined;
}
