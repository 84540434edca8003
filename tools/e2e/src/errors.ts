import { VmmError } from '@vmm/core';

/**
 * Base class of every error @vmm/e2e raises on purpose. Its message is one line for the person
 * running the tests: what went wrong and, where possible, what to do about it.
 */
export class E2eError extends VmmError {}

/** The host lacks a program the test bed needs (QEMU, xz, ldd, pnpm) and it cannot be installed. */
export class HostToolMissingError extends E2eError {}

/** Something the outer host image is made of is missing or unusable (modules, node, the vmm build). */
export class OuterImageError extends E2eError {}

/** A scenario or architecture name was asked for that the test bed does not know. */
export class UnknownNameError extends E2eError {
  /** Creates the error for the `kind` (`scenario`, `architecture`) named `given`. */
  constructor(
    /** What kind of name it was. */
    readonly kind: string,
    /** The name that was asked for. */
    readonly given: string,
    known: readonly string[],
  ) {
    super(`unknown ${kind} '${given}'; use one of: ${known.join(', ')}`);
  }
}

/** A console wait did not see what it waited for: the time ran out or the emulator exited first. */
export class ConsoleWaitError extends E2eError {
  /** Creates the error for a wait on `pattern` that ended for `reason`. */
  constructor(
    /** The regular expression that was waited for. */
    readonly pattern: RegExp,
    /** Why the wait ended without a match. */
    readonly reason: 'timeout' | 'exited' | 'closed' | 'watchdog',
    /** The last lines of console output, for the message. */
    readonly consoleTail: string,
  ) {
    const why = {
      timeout: 'timed out',
      exited: 'QEMU exited first',
      closed: 'the session was stopped first',
      watchdog: 'the watchdog stopped QEMU first',
    }[reason];
    const tail =
      consoleTail === '' ? ' (no console output)' : `; console ended with: ${consoleTail}`;
    super(`waiting for ${String(pattern)} on the outer console: ${why}${tail}`);
  }
}
