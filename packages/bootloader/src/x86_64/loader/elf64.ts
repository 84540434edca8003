import { hex } from '@vmm/core';
import { InvalidKernelError } from '../../errors.js';

/** ELF machine number of x86-64 (`EM_X86_64`). */
export const EM_X86_64 = 62;

/** Program header type of a loadable segment (`PT_LOAD`). */
const PT_LOAD = 1;
/** Size of the ELF64 file header. */
const ELF64_HEADER_SIZE = 64;
/** Size of one ELF64 program header. */
const ELF64_PROGRAM_HEADER_SIZE = 56;
/** `e_ident[EI_CLASS]` of a 64-bit file. */
const ELFCLASS64 = 2;
/** `e_ident[EI_DATA]` of a little-endian file. */
const ELFDATA2LSB = 1;
/** `e_type` of an executable (`ET_EXEC`). */
const ET_EXEC = 2;

/** One `PT_LOAD` segment: `fileSize` bytes from `fileOffset`, zero-filled up to `memorySize`. */
export interface ElfLoadSegment {
  /** Where the segment's bytes start in the file (`p_offset`). */
  readonly fileOffset: number;
  /** Bytes the file holds for it (`p_filesz`). */
  readonly fileSize: number;
  /** Its physical load address (`p_paddr`). */
  readonly physicalAddress: bigint;
  /** Bytes it occupies in memory (`p_memsz`, at least `fileSize`). */
  readonly memorySize: number;
}

/** What loading a little-endian ELF64 executable needs from its headers. */
export interface Elf64Image {
  /** `e_machine`. */
  readonly machine: number;
  /** The entry point (`e_entry`), as linked. */
  readonly entry: bigint;
  /** The `PT_LOAD` segments in file order. */
  readonly segments: readonly ElfLoadSegment[];
  /**
   * Where the file's own contents end at the latest that its first bytes tell: the furthest end
   * of the program header table, the section header table and the load segments, at most the
   * file's size. Data appended to the ELF file, such as the relocation table Linux appends to
   * its `vmlinux`, starts at or after it.
   */
  readonly contentsEnd: number;
}

/**
 * Parses the headers of a little-endian ELF64 executable from `head`, the file's first bytes
 * (enough to hold the program header table), for a file of `fileSize` bytes. Throws
 * {@link InvalidKernelError} for anything else, or for segments that lie outside the file.
 */
export function parseElf64(head: Uint8Array, fileSize: number): Elf64Image {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (
    head.length < ELF64_HEADER_SIZE ||
    view.getUint32(0, false) !== 0x7f45_4c46 ||
    head[4] !== ELFCLASS64 ||
    head[5] !== ELFDATA2LSB
  ) {
    throw new InvalidKernelError('the decompressed kernel is not a little-endian ELF64 file');
  }
  const type = view.getUint16(16, true);
  if (type !== ET_EXEC) {
    throw new InvalidKernelError(`the decompressed kernel is an ELF of type ${type}, not ET_EXEC`);
  }
  const tableOffset = Number(view.getBigUint64(32, true));
  const entrySize = view.getUint16(54, true);
  const count = view.getUint16(56, true);
  const tableEnd = tableOffset + entrySize * count;
  if (entrySize < ELF64_PROGRAM_HEADER_SIZE || tableEnd > head.length) {
    throw new InvalidKernelError(
      `the decompressed kernel's program headers (${count} of ${entrySize} bytes at ` +
        `${hex(tableOffset)}) do not fit in its first ${head.length} bytes`,
    );
  }
  const segments: ElfLoadSegment[] = [];
  for (let index = 0; index < count; index++) {
    const at = tableOffset + index * entrySize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const segment = {
      fileOffset: Number(view.getBigUint64(at + 8, true)),
      physicalAddress: view.getBigUint64(at + 24, true),
      fileSize: Number(view.getBigUint64(at + 32, true)),
      memorySize: Number(view.getBigUint64(at + 40, true)),
    };
    if (segment.fileOffset + segment.fileSize > fileSize || segment.fileSize > segment.memorySize) {
      throw new InvalidKernelError(
        `the decompressed kernel's load segment ${index} (${segment.fileSize} bytes at file ` +
          `offset ${hex(segment.fileOffset)}, ${segment.memorySize} in memory) lies outside ` +
          `its ${fileSize}-byte file`,
      );
    }
    segments.push(segment);
  }
  if (segments.length === 0) {
    throw new InvalidKernelError('the decompressed kernel has no loadable segment');
  }
  const sectionTableEnd =
    Number(view.getBigUint64(40, true)) + view.getUint16(58, true) * view.getUint16(60, true);
  const contentsEnd = Math.min(
    fileSize,
    Math.max(
      tableEnd,
      sectionTableEnd,
      ...segments.map((segment) => segment.fileOffset + segment.fileSize),
    ),
  );
  return {
    machine: view.getUint16(18, true),
    entry: view.getBigUint64(24, true),
    segments,
    contentsEnd,
  };
}
