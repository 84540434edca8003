import { parseArgs } from 'node:util';
import { VmmError } from '@vmm/core';
import { HIDEABLE_CPU_FEATURES, isHideableCpuFeature } from '@vmm/kvm';
import {
  DEFAULT_KERNEL_DECOMPRESSION,
  KERNEL_DECOMPRESSIONS,
  isKernelDecompression,
  type KernelDecompression,
} from '@vmm/machine';
import {
  ACCELERATORS,
  CLI_OPTION_SPEC,
  isAccelerator,
  type Accelerator,
} from './cli-option-spec.js';

export { ACCELERATORS, type Accelerator } from './cli-option-spec.js';

/** The command line was malformed; the message says how. */
export class UsageError extends VmmError {}

/** A parsed `vmm` command line. */
export type CliOptions =
  | { readonly action: 'help' }
  | { readonly action: 'version' }
  | {
      readonly action: 'run';
      /** Path of the kernel. */
      readonly kernel: string;
      /** Path of the initramfs, if any. */
      readonly initramfs: string | undefined;
      /** Kernel command line, if given. */
      readonly cmdline: string | undefined;
      /** Guest RAM as written, if given. */
      readonly memory: string | undefined;
      /** vCPU count. */
      readonly cpus: number;
      /** Hypervisor. */
      readonly accel: Accelerator;
      /** CPU features hidden from the guest (`--hide-cpu-feature`), in the order given. */
      readonly hiddenCpuFeatures: readonly string[];
      /** Who decompresses an x86_64 kernel (`--kernel-decompression`). */
      readonly kernelDecompression: KernelDecompression;
      /** Whether to print stack traces. */
      readonly debug: boolean;
    };

/** Parses `vmm`'s arguments (without the node and script paths). Throws {@link UsageError}. */
export function parseCliOptions(args: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: CLI_OPTION_SPEC,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values;
  if (values.help === true) return { action: 'help' };
  if (values.version === true) return { action: 'version' };
  if (values.kernel === undefined) throw new UsageError('--kernel PATH is required');
  const cpusText = values.cpus ?? '1';
  if (!/^\d+$/.test(cpusText))
    throw new UsageError(`--cpus wants a whole number; got "${cpusText}"`);
  const accel = values.accel ?? 'kvm';
  if (!isAccelerator(accel)) {
    throw new UsageError(
      `--accel ${accel} is not available; choose one of: ${ACCELERATORS.join(', ')}`,
    );
  }
  const hiddenCpuFeatures = (values['hide-cpu-feature'] ?? []).flatMap((list) => list.split(','));
  for (const name of hiddenCpuFeatures) {
    if (!isHideableCpuFeature(name)) {
      throw new UsageError(
        `--hide-cpu-feature ${name}: unknown feature; choose from ${HIDEABLE_CPU_FEATURES.join(', ')}`,
      );
    }
  }
  const kernelDecompression = values['kernel-decompression'] ?? DEFAULT_KERNEL_DECOMPRESSION;
  if (!isKernelDecompression(kernelDecompression)) {
    throw new UsageError(
      `--kernel-decompression ${kernelDecompression}: choose one of ` +
        `${KERNEL_DECOMPRESSIONS.join(', ')} (guest: the kernel's own decompressor)`,
    );
  }
  const devices = values.device ?? [];
  if (devices.length > 0) {
    throw new UsageError(`--device ${devices[0]}: no device types are available yet`);
  }
  return {
    action: 'run',
    kernel: values.kernel,
    initramfs: values.initramfs,
    cmdline: values.cmdline,
    memory: values.memory,
    cpus: Number(cpusText),
    accel,
    hiddenCpuFeatures,
    kernelDecompression,
    debug: values.debug === true,
  };
}
