import { readElfHeader } from './elf-header.js';
import { ElfFormatError } from './errors.js';

/** `p_type` of the program header naming the program interpreter. */
const PT_INTERP = 3;
/** `sh_type` of the dynamic section. */
const SHT_DYNAMIC = 6;
/** `d_tag` that ends the dynamic section. */
const DT_NULL = 0n;
/** `d_tag` of a needed shared library (its name's offset in the linked string table). */
const DT_NEEDED = 1n;

/**
 * Returns the program interpreter a 64-bit little-endian ELF executable names in its
 * `PT_INTERP` program header (e.g. `/lib/ld-linux-aarch64.so.1`), or `null` when it has none
 * (a static program or a shared library).
 *
 * @throws {@link ElfFormatError} when the file is not 64-bit little-endian ELF or is truncated.
 */
export function elfInterpreter(bytes: Uint8Array, source = 'the file'): string | null {
  const view = elf64(bytes, source);
  const phoff = offsetAt(view, 0x20, source);
  const phentsize = view.readUInt16LE(0x36);
  const phnum = view.readUInt16LE(0x38);
  for (let index = 0; index < phnum; index++) {
    const header = phoff + index * phentsize;
    inBounds(view, header, 56, source);
    if (view.readUInt32LE(header) === PT_INTERP) {
      const start = offsetAt(view, header + 8, source);
      const size = offsetAt(view, header + 32, source);
      inBounds(view, start, size, source);
      return cString(view, start, start + size, source);
    }
  }
  return null;
}

/**
 * Returns the `DT_NEEDED` entries of a 64-bit little-endian ELF file's dynamic section, in
 * order (e.g. `libc.so.6`); empty for a static program. Reads the section headers, which every
 * Debian and Node.js binary keeps.
 *
 * @throws {@link ElfFormatError} when the file is not 64-bit little-endian ELF or is truncated.
 */
export function elfNeededLibraries(bytes: Uint8Array, source = 'the file'): string[] {
  const view = elf64(bytes, source);
  const shoff = offsetAt(view, 0x28, source);
  const shentsize = view.readUInt16LE(0x3a);
  const shnum = view.readUInt16LE(0x3c);
  const section = (index: number): { type: number; offset: number; size: number; link: number } => {
    const header = shoff + index * shentsize;
    inBounds(view, header, 64, source);
    return {
      type: view.readUInt32LE(header + 4),
      offset: offsetAt(view, header + 24, source),
      size: offsetAt(view, header + 32, source),
      link: view.readUInt32LE(header + 40),
    };
  };
  const needed: string[] = [];
  for (let index = 0; index < shnum; index++) {
    const dynamic = section(index);
    if (dynamic.type !== SHT_DYNAMIC) {
      continue;
    }
    inBounds(view, dynamic.offset, dynamic.size, source);
    const strings = section(dynamic.link);
    inBounds(view, strings.offset, strings.size, source);
    for (let entry = dynamic.offset; entry + 16 <= dynamic.offset + dynamic.size; entry += 16) {
      const tag = view.readBigInt64LE(entry);
      if (tag === DT_NULL) {
        break;
      }
      if (tag === DT_NEEDED) {
        const name = Number(view.readBigUInt64LE(entry + 8));
        needed.push(cString(view, strings.offset + name, strings.offset + strings.size, source));
      }
    }
  }
  return needed;
}

function elf64(bytes: Uint8Array, source: string): Buffer {
  const header = readElfHeader(bytes, source);
  if (header.bits !== 64 || !header.littleEndian) {
    throw new ElfFormatError(`${source} is not a 64-bit little-endian ELF file`);
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  inBounds(view, 0, 64, source);
  return view;
}

function offsetAt(view: Buffer, at: number, source: string): number {
  inBounds(view, at, 8, source);
  const value = view.readBigUInt64LE(at);
  if (value > BigInt(view.length)) {
    throw new ElfFormatError(
      `${source}: ELF offset or size ${value} lies past the end of the file`,
    );
  }
  return Number(value);
}

function inBounds(view: Buffer, start: number, length: number, source: string): void {
  if (start + length > view.length) {
    throw new ElfFormatError(`${source}: ELF structure at byte ${start} is truncated`);
  }
}

function cString(view: Buffer, start: number, limit: number, source: string): string {
  const end = view.indexOf(0, start);
  if (end === -1 || end >= limit) {
    throw new ElfFormatError(`${source}: ELF string at byte ${start} has no terminating NUL`);
  }
  return view.toString('utf8', start, end);
}
