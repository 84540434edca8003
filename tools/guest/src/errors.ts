import { VmmError } from '@vmm/core';

/**
 * Base class of every error @vmm/guest-tools raises on purpose. Its message is one line written
 * for the person running the tool: what went wrong and, where possible, what to do about it.
 */
export class GuestToolsError extends VmmError {}

/** The host lacks something the tool needs (a command, root rights, apt package lists). */
export class HostSetupError extends GuestToolsError {}

/** A host command (apt-get, apt-cache, dpkg-deb, ...) ran but failed. */
export class CommandFailedError extends GuestToolsError {
  /** Creates the error for `command` run with `args`, which exited with `exitCode`. */
  constructor(
    /** The program that was run. */
    readonly command: string,
    /** The arguments it was given. */
    readonly args: readonly string[],
    /** Its exit code, or `null` when a signal ended it. */
    readonly exitCode: number | null,
    /** The last line it wrote to stderr (empty when it wrote nothing). */
    readonly stderrTail: string,
  ) {
    const detail = stderrTail === '' ? '' : `: ${stderrTail}`;
    super(`\`${[command, ...args].join(' ')}\` failed (exit code ${exitCode ?? 'none'})${detail}`);
  }
}

/** A Debian package could not be found, resolved or does not contain what was expected. */
export class DebianPackageError extends GuestToolsError {}

/** A cpio archive could not be written (a field does not fit) or read (it is malformed). */
export class CpioFormatError extends GuestToolsError {}

/** A guest architecture was asked for that this tool cannot prepare assets for. */
export class UnsupportedGuestArchError extends GuestToolsError {
  /** Creates the error for the architecture name `arch` the user gave. */
  constructor(
    /** The architecture name that was asked for. */
    readonly arch: string,
    supported: readonly string[],
  ) {
    super(`guest architecture '${arch}' is not supported; use one of: ${supported.join(', ')}`);
  }
}

/** The repository root (the directory holding pnpm-workspace.yaml) could not be found. */
export class RepoRootNotFoundError extends GuestToolsError {
  /** Creates the error for a walk up that started at `startDir`. */
  constructor(
    /** The directory the search started from. */
    readonly startDir: string,
  ) {
    super(
      `no pnpm-workspace.yaml found above ${startDir}; set VMM_CACHE_DIR to choose the cache directory`,
    );
  }
}

/** A kernel image is not in the format its architecture boots (e.g. no arm64 `Image` magic). */
export class KernelImageError extends GuestToolsError {}

/** A file is not an ELF file, or its headers are truncated or malformed. */
export class ElfFormatError extends GuestToolsError {}

/** An ELF file was built for another machine than the one it is needed for. */
export class ElfMachineError extends GuestToolsError {
  /** Creates the error for the file `source`, whose `e_machine` is `actual` not `expected`. */
  constructor(
    /** Where the file came from (a path or a description), for the message. */
    readonly source: string,
    /** The `e_machine` the file has. */
    readonly actual: number,
    /** The `e_machine` it should have. */
    readonly expected: number,
  ) {
    super(
      `${source} is an ELF file for machine ${actual} (${elfMachineLabel(actual)}), not ${expected} (${elfMachineLabel(expected)}); delete it and fetch again`,
    );
  }
}

/** An npm package could not be looked up, downloaded or does not hold what was expected. */
export class NpmPackageError extends GuestToolsError {}

function elfMachineLabel(machine: number): string {
  switch (machine) {
    case 62:
      return 'x86_64';
    case 183:
      return 'aarch64';
    default:
      return 'unknown';
  }
}
