/** A guest (and host) CPU architecture that vmm knows how to run. */
export type Arch = 'x86_64' | 'aarch64';

/**
 * The architecture of the machine this process runs on, or `undefined` when vmm has no
 * backend for it (e.g. 32-bit hosts).
 */
export function hostArch(): Arch | undefined {
  switch (process.arch) {
    case 'x64':
      return 'x86_64';
    case 'arm64':
      return 'aarch64';
    default:
      return undefined;
  }
}
