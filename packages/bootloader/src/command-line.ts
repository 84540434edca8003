import { CommandLineTooLongError } from './errors.js';

/**
 * Encodes a kernel command line (UTF-8) as the NUL-terminated bytes a kernel reads.
 * `maxLength` is the longest command line accepted, in bytes and without the terminating NUL;
 * `limitSource` says where that limit comes from, for the error message.
 */
export function encodeCommandLine(
  cmdline: string,
  maxLength: number,
  limitSource: string,
): Uint8Array {
  const text = new TextEncoder().encode(cmdline);
  if (text.length > maxLength) {
    throw new CommandLineTooLongError(
      `the kernel command line is ${text.length} bytes but ${limitSource} allows at most ` +
        `${maxLength}; shorten it (drop options the guest does not need)`,
    );
  }
  const bytes = new Uint8Array(text.length + 1);
  bytes.set(text);
  return bytes;
}
