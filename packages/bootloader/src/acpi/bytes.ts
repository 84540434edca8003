import { AcpiTableError } from './errors.js';

/** Joins byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/**
 * Encodes `text` as an ACPI fixed-length ASCII field of exactly `length` bytes (signatures,
 * OEM ids, table ids). `what` names the field for the error raised when `text` is not
 * `length` printable ASCII characters.
 */
export function asciiField(text: string, length: number, what: string): Uint8Array {
  if (text.length !== length || !/^[\x20-\x7e]*$/.test(text)) {
    throw new AcpiTableError(
      `the ACPI ${what} must be exactly ${length} printable ASCII characters (pad with spaces), ` +
        `not ${JSON.stringify(text)}`,
    );
  }
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}
