import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ELF_MACHINE_AARCH64,
  ELF_MACHINE_X86_64,
  ElfFormatError,
  ElfMachineError,
  checkElfMachine,
  elfInterpreter,
  elfNeededLibraries,
  readElfHeader,
} from '../src/index.js';
import { buildElf64 } from './fixtures/elf-builder.js';

describe('ELF header checks', () => {
  it('reads class, byte order, type and machine', () => {
    const header = readElfHeader(buildElf64({ machine: ELF_MACHINE_AARCH64, type: 2 }));
    expect(header).toEqual({ bits: 64, littleEndian: true, type: 2, machine: 183 });
    expect(ELF_MACHINE_X86_64).toBe(62);
  });

  it('reads a big-endian 32-bit header too', () => {
    const bytes = Buffer.alloc(20);
    bytes.write('\x7fELF', 0, 'latin1');
    bytes[4] = 1;
    bytes[5] = 2;
    bytes.writeUInt16BE(8, 18);
    expect(readElfHeader(bytes)).toMatchObject({ bits: 32, littleEndian: false, machine: 8 });
  });

  it('accepts the expected machine and names both machines when it differs', () => {
    const arm = buildElf64({ machine: ELF_MACHINE_AARCH64 });
    expect(checkElfMachine(arm, 183, 'busybox').machine).toBe(183);
    const x86 = buildElf64({ machine: ELF_MACHINE_X86_64 });
    expect(() => checkElfMachine(x86, 183, 'busybox')).toThrow(ElfMachineError);
    expect(() => checkElfMachine(x86, 183, 'busybox')).toThrow(
      'busybox is an ELF file for machine 62 (x86_64), not 183 (aarch64)',
    );
  });

  it('rejects files that are not ELF', () => {
    expect(() => readElfHeader(Buffer.from('#!/bin/sh\necho hi\n'), 'script')).toThrow(
      'script is not an ELF file',
    );
    expect(() => checkElfMachine(Buffer.from('\x7fEL'), 183, 'short')).toThrow(ElfFormatError);
  });
});

describe('ELF dynamic linking information', () => {
  it('finds the PT_INTERP interpreter and the DT_NEEDED libraries in order', () => {
    const bytes = buildElf64({
      machine: ELF_MACHINE_AARCH64,
      type: 2,
      interpreter: '/lib/ld-linux-aarch64.so.1',
      needed: ['libstdc++.so.6', 'libc.so.6'],
    });
    expect(elfInterpreter(bytes)).toBe('/lib/ld-linux-aarch64.so.1');
    expect(elfNeededLibraries(bytes)).toEqual(['libstdc++.so.6', 'libc.so.6']);
  });

  it('gives null and an empty list for a static file without those headers', () => {
    const bytes = buildElf64({ machine: ELF_MACHINE_AARCH64, type: 2 });
    expect(elfInterpreter(bytes)).toBeNull();
    expect(elfNeededLibraries(bytes)).toEqual([]);
  });

  it('rejects truncated files', () => {
    const bytes = buildElf64({ machine: 183, interpreter: '/lib/ld.so', needed: ['libc.so.6'] });
    expect(() => elfNeededLibraries(bytes.subarray(0, bytes.length - 8), 'cut')).toThrow(
      ElfFormatError,
    );
    expect(() => elfInterpreter(bytes.subarray(0, 80), 'cut')).toThrow(/cut/);
  });
});

const hasReadelf = spawnSync('readelf', ['--version']).status === 0;
if (!hasReadelf) {
  console.warn(
    'skipping the readelf cross-check: `readelf` is not installed (apt-get install binutils)',
  );
}

describe.skipIf(!hasReadelf)('agrees with binutils readelf', () => {
  it('on the interpreter and needed libraries of the running node', () => {
    const bytes = readFileSync(process.execPath);
    const needed = [
      ...execFileSync('readelf', ['-d', process.execPath])
        .toString()
        .matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g),
    ].map((match) => match[1]);
    expect(elfNeededLibraries(bytes, process.execPath)).toEqual(needed);
    const interp = /Requesting program interpreter: ([^\]]+)\]/.exec(
      execFileSync('readelf', ['-l', process.execPath]).toString(),
    );
    expect(elfInterpreter(bytes, process.execPath)).toBe(interp?.[1] ?? null);
  });
});
