import { execFileSync, spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CpioFormatError,
  readCpioNewc,
  writeCpioNewc,
  writeCpioNewcGzip,
  type CpioEntry,
} from '../src/index.js';

/** Builds a newc header by hand from the 13 field values, independent of the writer. */
function header(fields: readonly number[]): string {
  expect(fields).toHaveLength(13);
  return '070701' + fields.map((v) => v.toString(16).toUpperCase().padStart(8, '0')).join('');
}

const TRAILER = header([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 11, 0]) + 'TRAILER!!!\0' + '\0'.repeat(3);

describe('writeCpioNewc', () => {
  it('writes an empty archive as just the trailer, padded to 4 bytes', () => {
    const archive = writeCpioNewc([]);
    expect(archive.toString('latin1')).toBe(TRAILER);
    expect(archive.length).toBe(124);
  });

  it('writes a regular file byte for byte: header fields, name and data padding', () => {
    const archive = writeCpioNewc([
      { type: 'file', path: '/a', data: 'hi', mode: 0o644, mtime: 0x5f5e1000 },
    ]);
    const expected =
      header([1, 0o100644, 0, 0, 1, 0x5f5e1000, 2, 0, 0, 0, 0, 2, 0]) +
      'a\0' + // 110 + 2 = 112: already aligned, no name padding
      'hi\0\0' + // data padded from 2 to 4
      TRAILER;
    expect(archive.toString('latin1')).toBe(expected);
  });

  it('writes directories, symlinks and character devices with their type bits and rdev', () => {
    const entries: CpioEntry[] = [
      { type: 'directory', path: 'dev' },
      { type: 'char-device', path: 'dev/console', major: 5, minor: 1 },
      { type: 'symlink', path: 'sh', target: 'busybox' },
    ];
    const archive = writeCpioNewc(entries, { mtime: 7 });
    const expected =
      header([1, 0o40755, 0, 0, 2, 7, 0, 0, 0, 0, 0, 4, 0]) +
      'dev\0' + // 110 + 4 = 114 -> 2 bytes of name padding
      '\0\0' +
      header([2, 0o20600, 0, 0, 1, 7, 0, 0, 0, 5, 1, 12, 0]) +
      'dev/console\0' + // 110 + 12 = 122 -> 2 bytes of padding
      '\0\0' +
      header([3, 0o120777, 0, 0, 1, 7, 7, 0, 0, 0, 0, 3, 0]) +
      'sh\0' + // 110 + 3 = 113 -> 3 bytes of padding
      '\0\0\0' +
      'busybox\0' + // 7 bytes of link target -> 1 byte of data padding
      TRAILER;
    expect(archive.toString('latin1')).toBe(expected);
    expect(archive.length % 4).toBe(0);
  });

  it('keeps binary data intact and pads it only up to the next multiple of 4', () => {
    const data = Uint8Array.from([0, 1, 2, 3, 4, 255, 254, 253]);
    const archive = writeCpioNewc([{ type: 'file', path: 'bin', data }]);
    const dataStart = 110 + 4 + 2;
    expect([...archive.subarray(dataStart, dataStart + 8)]).toEqual([...data]);
    expect(archive.toString('latin1', dataStart + 8, dataStart + 14)).toBe('070701');
  });

  it('is deterministic and gzips to something that gunzips to the same archive', () => {
    const entries: CpioEntry[] = [{ type: 'file', path: 'x', data: 'abc' }];
    expect(writeCpioNewc(entries).equals(writeCpioNewc(entries))).toBe(true);
    const gz = writeCpioNewcGzip(entries);
    expect(gz.subarray(0, 2).toString('hex')).toBe('1f8b');
    expect(gunzipSync(gz).equals(writeCpioNewc(entries))).toBe(true);
  });

  it('rejects empty paths, out-of-range modes and numbers that do not fit 32 bits', () => {
    expect(() => writeCpioNewc([{ type: 'directory', path: '/' }])).toThrow(CpioFormatError);
    expect(() => writeCpioNewc([{ type: 'file', path: 'f', data: '', mode: 0o10000 }])).toThrow(
      /mode/,
    );
    expect(() =>
      writeCpioNewc([{ type: 'char-device', path: 'c', major: 2 ** 32, minor: 0 }]),
    ).toThrow(/rdevMajor/);
  });
});

describe('readCpioNewc', () => {
  it('reads back what the writer wrote', () => {
    const records = readCpioNewc(
      writeCpioNewc([
        { type: 'directory', path: 'd', mode: 0o700 },
        { type: 'file', path: 'd/f', data: 'hello', mode: 0o600, mtime: 99 },
        { type: 'symlink', path: 'l', target: 'd/f' },
        { type: 'char-device', path: 'null', major: 1, minor: 3, mode: 0o666 },
      ]),
    );
    expect(records.map((r) => [r.name, r.mode.toString(8), r.nlink])).toEqual([
      ['d', '40700', 2],
      ['d/f', '100600', 1],
      ['l', '120777', 1],
      ['null', '20666', 1],
    ]);
    expect(records[1]?.data.toString()).toBe('hello');
    expect(records[1]?.mtime).toBe(99);
    expect(records[2]?.data.toString()).toBe('d/f');
    expect([records[3]?.rdevMajor, records[3]?.rdevMinor]).toEqual([1, 3]);
    expect(records.map((r) => r.ino)).toEqual([1, 2, 3, 4]);
  });

  it('rejects a bad magic and an archive without a trailer', () => {
    const archive = writeCpioNewc([{ type: 'file', path: 'f', data: 'x' }]);
    const bad = Buffer.from(archive);
    bad.write('070707', 0, 'ascii');
    expect(() => readCpioNewc(bad)).toThrow(/magic/);
    expect(() => readCpioNewc(archive.subarray(0, 120))).toThrow(CpioFormatError);
  });
});

const hasCpio = spawnSync('cpio', ['--version']).status === 0;
if (!hasCpio) {
  console.warn('skipping the GNU cpio cross-check: `cpio` is not installed (apt-get install cpio)');
}

describe.skipIf(!hasCpio)('GNU cpio reads our archives', () => {
  it('lists every entry with `cpio -it` and shows types, modes and device numbers', () => {
    const archive = writeCpioNewc([
      { type: 'directory', path: 'dev' },
      { type: 'char-device', path: 'dev/console', major: 5, minor: 1 },
      { type: 'file', path: 'init', data: '#!/bin/sh\n', mode: 0o755 },
      { type: 'symlink', path: 'sh', target: 'busybox' },
    ]);
    const names = execFileSync('cpio', ['-it', '--quiet'], { input: archive }).toString();
    expect(names.trim().split('\n')).toEqual(['dev', 'dev/console', 'init', 'sh']);
    const long = execFileSync('cpio', ['-itv', '--quiet'], { input: archive }).toString();
    expect(long).toMatch(/^crw------- .* 5, +1 .* dev\/console$/m);
    expect(long).toMatch(/^-rwxr-xr-x .* 10 .* init$/m);
    expect(long).toMatch(/^lrwxrwxrwx .* sh -> busybox$/m);
  });
});
