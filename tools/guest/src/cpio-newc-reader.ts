import {
  CPIO_NEWC_FIELDS,
  CPIO_NEWC_HEADER_SIZE,
  CPIO_NEWC_MAGIC,
  CPIO_NEWC_TRAILER,
  alignTo4,
  type CpioNewcField,
} from './cpio-newc-format.js';
import { CpioFormatError } from './errors.js';

/** One record read back from a newc archive: every numeric header field, the name and the data. */
export type CpioNewcRecord = Record<CpioNewcField, number> & {
  /** The record's name as stored (without the terminating NUL). */
  name: string;
  /** The record's data: file contents, or a symlink's target. */
  data: Buffer;
  /** Byte offset of the record's header in the archive. */
  offset: number;
};

/**
 * Parses an uncompressed cpio "newc" archive and returns its records in order, without the
 * `TRAILER!!!` record. Checks the magic of every header and that the archive ends with a trailer.
 * Meant for tests and inspection of archives this package writes.
 *
 * @throws {@link CpioFormatError} when the archive is truncated or a header is malformed.
 */
export function readCpioNewc(archive: Uint8Array): CpioNewcRecord[] {
  const bytes = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const records: CpioNewcRecord[] = [];
  let offset = 0;
  for (;;) {
    if (offset + CPIO_NEWC_HEADER_SIZE > bytes.length) {
      throw new CpioFormatError(`cpio archive ends at byte ${offset} without a trailer record`);
    }
    const magic = bytes.toString('ascii', offset, offset + CPIO_NEWC_MAGIC.length);
    if (magic !== CPIO_NEWC_MAGIC) {
      throw new CpioFormatError(`cpio header at byte ${offset} has magic '${magic}', not '070701'`);
    }
    const fields = parseFields(bytes, offset);
    const nameStart = offset + CPIO_NEWC_HEADER_SIZE;
    const nameEnd = nameStart + fields.namesize;
    const dataStart = offset + alignTo4(CPIO_NEWC_HEADER_SIZE + fields.namesize);
    const dataEnd = dataStart + fields.filesize;
    if (fields.namesize === 0 || dataEnd > bytes.length) {
      throw new CpioFormatError(`cpio record at byte ${offset} runs past the end of the archive`);
    }
    if (bytes[nameEnd - 1] !== 0) {
      throw new CpioFormatError(`cpio record at byte ${offset} has a name without its NUL`);
    }
    const name = bytes.toString('utf8', nameStart, nameEnd - 1);
    if (name === CPIO_NEWC_TRAILER) {
      return records;
    }
    records.push({ ...fields, name, data: bytes.subarray(dataStart, dataEnd), offset });
    offset = dataStart + alignTo4(fields.filesize);
  }
}

function parseFields(bytes: Buffer, offset: number): Record<CpioNewcField, number> {
  const fields = {} as Record<CpioNewcField, number>;
  CPIO_NEWC_FIELDS.forEach((field, index) => {
    const start = offset + CPIO_NEWC_MAGIC.length + index * 8;
    const text = bytes.toString('ascii', start, start + 8);
    if (!/^[0-9a-fA-F]{8}$/.test(text)) {
      throw new CpioFormatError(`cpio header at byte ${offset}: ${field} '${text}' is not hex`);
    }
    fields[field] = Number.parseInt(text, 16);
  });
  return fields;
}
