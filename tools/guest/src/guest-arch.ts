import { UnsupportedGuestArchError } from './errors.js';

/**
 * A guest architecture this tool prepares assets for. Only x86_64 for now; aarch64 will add
 * a profile (`arm64`, `linux-image-cloud-arm64`, `busybox-static:arm64`, which needs
 * `dpkg --add-architecture arm64` on an amd64 host).
 */
export type GuestArch = 'x86_64';

/** How to get the guest assets of one architecture from Debian. */
export interface GuestArchProfile {
  /** The architecture's name in vmm (and in `uname -m` inside the guest). */
  arch: GuestArch;
  /** Debian's name for the architecture, used as the `:arch` qualifier with apt. */
  debianArch: string;
  /** Node's `process.arch` value on a host of this architecture. */
  nodeArch: NodeJS.Architecture;
  /** The metapackage whose dependency names the current versioned kernel image package. */
  kernelMetaPackage: string;
  /** The package that holds a statically linked busybox at /bin/busybox. */
  busyboxPackage: string;
  /** Directory of the kernel's own code inside `lib/modules/<release>/kernel`, e.g. `arch/x86`. */
  kernelArchDir: string;
}

/** Profiles of every supported guest architecture. */
export const GUEST_ARCH_PROFILES: Readonly<Record<GuestArch, GuestArchProfile>> = {
  x86_64: {
    arch: 'x86_64',
    debianArch: 'amd64',
    nodeArch: 'x64',
    kernelMetaPackage: 'linux-image-cloud-amd64',
    busyboxPackage: 'busybox-static',
    kernelArchDir: 'arch/x86',
  },
};

/**
 * Checks a user-given architecture name and returns it as a {@link GuestArch}.
 *
 * @throws {@link UnsupportedGuestArchError} for anything else.
 */
export function parseGuestArch(name: string): GuestArch {
  const supported = Object.keys(GUEST_ARCH_PROFILES);
  if (!supported.includes(name)) {
    throw new UnsupportedGuestArchError(name, supported);
  }
  return name as GuestArch;
}
