import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { runCommandForBytes } from '@vmm/guest-tools';
import { OuterImageError } from './errors.js';
import { ensureHostCommands } from './host-setup.js';
import type { E2eLogger } from './logger.js';

/** A kernel module ready for busybox `insmod`: uncompressed ELF. */
export interface KernelModuleFile {
  /** The module's file name, always ending in `.ko`, e.g. `kvm-amd.ko`. */
  name: string;
  /** The uncompressed module. */
  data: Buffer;
}

/**
 * Reads the kernel module `path` (e.g. `.../kvm.ko`). When only `<path>.xz` exists (kernels
 * built with compressed modules), it is decompressed on the host with `xz -dc`, installing
 * `xz-utils` first if needed, because busybox `insmod` loads plain ELF files only.
 *
 * @throws {@link OuterImageError} when neither file exists.
 */
export async function readKernelModule(path: string, log: E2eLogger): Promise<KernelModuleFile> {
  const plain = path.replace(/\.xz$/, '');
  if (existsSync(plain)) {
    return { name: basename(plain), data: await readFile(plain) };
  }
  const compressed = `${plain}.xz`;
  if (existsSync(compressed)) {
    await ensureHostCommands(['xz'], ['xz-utils'], log);
    return { name: basename(plain), data: await runCommandForBytes('xz', ['-dc', compressed]) };
  }
  throw new OuterImageError(
    `kernel module ${plain} (or ${basename(compressed)}) not found; run \`vmm-guest fetch\``,
  );
}
