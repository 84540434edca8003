import { VmmError } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import {
  BootLoaderError,
  formatProtocolVersion,
  InvalidKernelError,
  parseSetupHeader,
  TruncatedKernelError,
  UnsupportedBootProtocolError,
} from '../src/index.js';
import { buildBzImage, BZIMAGE_FIXTURE_DEFAULTS } from '@vmm/test-support';

describe('parseSetupHeader', () => {
  it('reads the fields of a well-formed 64-bit bzImage', () => {
    const file = buildBzImage();
    const header = parseSetupHeader(file);
    expect(header).toMatchObject({
      version: 0x020f,
      kernelVersion: BZIMAGE_FIXTURE_DEFAULTS.kernelVersion,
      setupSects: 4,
      setupSize: 5 * 512,
      syssize: BZIMAGE_FIXTURE_DEFAULTS.payloadSize / 16,
      loadflags: 0x01,
      xloadflags: 0x03,
      relocatable: true,
      kernelAlignment: 0x20_0000,
      prefAddress: 0x100_0000n,
      initSize: 0x40_0000,
      initrdAddrMax: 0x7fff_ffffn,
      cmdlineSize: 2047,
      headerEnd: 0x26c,
    });
    expect(header.bytes).toEqual(file.slice(0x1f1, 0x26c));
  });

  it('reads setup_sects 0 as 4 sectors', () => {
    const header = parseSetupHeader(buildBzImage({ setupSects: 0 }));
    expect(header.setupSects).toBe(4);
    expect(header.setupSize).toBe(2560);
  });

  it('honours a larger setup_sects', () => {
    const header = parseSetupHeader(buildBzImage({ setupSects: 30 }));
    expect(header.setupSize).toBe(31 * 512);
  });

  it('formats protocol versions as boot.rst does', () => {
    expect(formatProtocolVersion(0x020f)).toBe('2.15');
    expect(formatProtocolVersion(0x020c)).toBe('2.12');
    expect(formatProtocolVersion(0x0201)).toBe('2.01');
  });

  it('rejects a wrong boot flag, naming what was expected and what to pass', () => {
    const parse = () => parseSetupHeader(buildBzImage({ bootFlag: 0x1234 }));
    expect(parse).toThrow(InvalidKernelError);
    expect(parse).toThrow(/boot flag 0xaa55 at 0x1fe, got 0x1234.*not vmlinux/);
  });

  it('rejects an ELF vmlinux as not a bzImage', () => {
    const elf = new Uint8Array(0x4000);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    expect(() => parseSetupHeader(elf)).toThrow(InvalidKernelError);
  });

  it('rejects a missing "HdrS" magic', () => {
    const parse = () => parseSetupHeader(buildBzImage({ magic: 0x1234_5678 }));
    expect(parse).toThrow(InvalidKernelError);
    expect(parse).toThrow(/"HdrS" at 0x202, got 0x12345678/);
  });

  it('rejects boot protocols older than 2.12', () => {
    const parse = () => parseSetupHeader(buildBzImage({ version: 0x020b }));
    expect(parse).toThrow(UnsupportedBootProtocolError);
    expect(parse).toThrow(/protocol 2\.11.*2\.12 or newer/);
    expect(parseSetupHeader(buildBzImage({ version: 0x020c })).version).toBe(0x020c);
  });

  it('rejects a kernel without the 64-bit entry point', () => {
    const parse = () => parseSetupHeader(buildBzImage({ xloadflags: 0x02 }));
    expect(parse).toThrow(UnsupportedBootProtocolError);
    expect(parse).toThrow(/XLF_KERNEL_64 clear in xloadflags 0x2/);
  });

  it('rejects a zImage that is not loaded high', () => {
    const parse = () => parseSetupHeader(buildBzImage({ loadflags: 0 }));
    expect(parse).toThrow(UnsupportedBootProtocolError);
    expect(parse).toThrow(/LOADED_HIGH/);
  });

  it('rejects a file too short for the setup header', () => {
    const parse = () => parseSetupHeader(buildBzImage().subarray(0, 0x200));
    expect(parse).toThrow(TruncatedKernelError);
    expect(parse).toThrow(/512 bytes, too short/);
  });

  it('rejects a file cut short inside the setup code', () => {
    const parse = () => parseSetupHeader(buildBzImage().subarray(0, 2000));
    expect(parse).toThrow(TruncatedKernelError);
  });

  it('rejects a file cut short inside the protected-mode kernel', () => {
    const file = buildBzImage();
    const parse = () => parseSetupHeader(file.subarray(0, file.length - 100));
    expect(parse).toThrow(TruncatedKernelError);
    expect(parse).toThrow(/cut short/);
  });

  it('accepts trailing data (a signature) and a last partial paragraph', () => {
    const file = buildBzImage({ payloadSize: 0x1001 });
    expect(() => parseSetupHeader(file)).not.toThrow();
    const signed = new Uint8Array(file.length + 0x800);
    signed.set(file);
    expect(parseSetupHeader(signed).syssize).toBe(0x101);
  });

  it('raises errors that are BootLoaderErrors and VmmErrors', () => {
    try {
      parseSetupHeader(new Uint8Array(16));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BootLoaderError);
      expect(error).toBeInstanceOf(VmmError);
      expect((error as Error).name).toBe('TruncatedKernelError');
    }
  });
});
