import { describe, expect, it } from 'vitest';
import { EM_X86_64, InvalidKernelError, parseElf64 } from '../src/index.js';
import { buildElf64 } from './fixtures/elf.js';

describe('parseElf64', () => {
  const text = new Uint8Array(0x100).fill(0x90);
  const data = new Uint8Array(0x40).fill(0x11);

  it('reads the entry, the machine and the load segments, skipping other types', () => {
    const file = buildElf64({
      entry: 0x100_0000n,
      segments: [
        { physicalAddress: 0x100_0000n, data: text },
        { physicalAddress: 0x200_0000n, data, type: 4 },
        { physicalAddress: 0x300_0000n, data, memorySize: 0x1000 },
      ],
    });
    const image = parseElf64(file, file.length);
    expect(image.entry).toBe(0x100_0000n);
    expect(image.machine).toBe(EM_X86_64);
    expect(image.segments).toEqual([
      { fileOffset: 0xf0, fileSize: 0x100, physicalAddress: 0x100_0000n, memorySize: 0x100 },
      { fileOffset: 0x230, fileSize: 0x40, physicalAddress: 0x300_0000n, memorySize: 0x1000 },
    ]);
  });

  it("says where the file's contents end: its last segment, or its section header table", () => {
    const file = buildElf64({ entry: 0n, segments: [{ physicalAddress: 0n, data: text }] });
    expect(parseElf64(file, file.length + 0x500).contentsEnd).toBe(0x80 + 0x100);
    const view = new DataView(file.buffer);
    view.setBigUint64(40, 0x400n, true);
    view.setUint16(58, 64, true);
    view.setUint16(60, 3, true);
    expect(parseElf64(file, file.length + 0x500).contentsEnd).toBe(0x400 + 3 * 64);
    expect(parseElf64(file, 0x480).contentsEnd).toBe(0x480);
  });

  it('rejects what is not a little-endian ELF64 executable', () => {
    const file = buildElf64({ entry: 0n, segments: [{ physicalAddress: 0n, data }] });
    const elf32 = file.slice();
    elf32[4] = 1;
    expect(() => parseElf64(elf32, file.length)).toThrow(/ELF64/);
    expect(() => parseElf64(new Uint8Array(16), 16)).toThrow(InvalidKernelError);
    const shared = buildElf64({ entry: 0n, type: 3, segments: [{ physicalAddress: 0n, data }] });
    expect(() => parseElf64(shared, shared.length)).toThrow(/ET_EXEC/);
  });

  it('rejects program headers beyond the bytes given, and segments beyond the file', () => {
    const file = buildElf64({ entry: 0n, segments: [{ physicalAddress: 0n, data }] });
    expect(() => parseElf64(file.subarray(0, 100), file.length)).toThrow(/program headers/);
    expect(() => parseElf64(file, file.length - 1)).toThrow(/outside/);
  });

  it('rejects a segment whose file size exceeds its memory size, or no segment at all', () => {
    const bad = buildElf64({
      entry: 0n,
      segments: [{ physicalAddress: 0n, data, memorySize: 0x10 }],
    });
    expect(() => parseElf64(bad, bad.length)).toThrow(/outside/);
    const none = buildElf64({ entry: 0n, segments: [{ physicalAddress: 0n, data, type: 4 }] });
    expect(() => parseElf64(none, none.length)).toThrow(/no loadable segment/);
  });
});
