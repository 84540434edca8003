import { ElfFormatError, ElfMachineError } from './errors.js';

/** The ELF `e_machine` value of x86_64 (`EM_X86_64`). */
export const ELF_MACHINE_X86_64 = 62;

/** The ELF `e_machine` value of aarch64 (`EM_AARCH64`). */
export const ELF_MACHINE_AARCH64 = 183;

/** The fields of an ELF file header this package looks at. */
export interface ElfHeader {
  /** 32 or 64 (`EI_CLASS`). */
  bits: 32 | 64;
  /** Whether the file is little-endian (`EI_DATA` is `ELFDATA2LSB`). */
  littleEndian: boolean;
  /** `e_type`: 2 for an executable, 3 for a shared object or PIE. */
  type: number;
  /** `e_machine`, e.g. {@link ELF_MACHINE_AARCH64}. */
  machine: number;
}

/** Size of the identification bytes plus `e_type` and `e_machine`. */
const MIN_HEADER_SIZE = 20;

/**
 * Reads the ELF file header at the start of `bytes` (the first 20 bytes suffice).
 *
 * @throws {@link ElfFormatError} when `bytes` do not start with the ELF magic or have an invalid
 * class or data encoding.
 */
export function readElfHeader(bytes: Uint8Array, source = 'the file'): ElfHeader {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < MIN_HEADER_SIZE || view.toString('latin1', 0, 4) !== '\x7fELF') {
    throw new ElfFormatError(`${source} is not an ELF file (no \\x7fELF magic)`);
  }
  const elfClass = view[4];
  const data = view[5];
  if ((elfClass !== 1 && elfClass !== 2) || (data !== 1 && data !== 2)) {
    throw new ElfFormatError(`${source} has an invalid ELF class ${elfClass} or encoding ${data}`);
  }
  const littleEndian = data === 1;
  const u16 = (offset: number): number =>
    littleEndian ? view.readUInt16LE(offset) : view.readUInt16BE(offset);
  return { bits: elfClass === 1 ? 32 : 64, littleEndian, type: u16(16), machine: u16(18) };
}

/**
 * Checks that `bytes` start with an ELF header whose `e_machine` is `machine`, and returns the
 * header.
 *
 * @throws {@link ElfFormatError} when `bytes` are not ELF.
 * @throws {@link ElfMachineError} when the file is for another machine.
 */
export function checkElfMachine(bytes: Uint8Array, machine: number, source: string): ElfHeader {
  const header = readElfHeader(bytes, source);
  if (header.machine !== machine) {
    throw new ElfMachineError(source, header.machine, machine);
  }
  return header;
}
