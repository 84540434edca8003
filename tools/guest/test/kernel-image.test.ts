import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  ARM64_IMAGE_MAGIC,
  ARM64_IMAGE_MAGIC_OFFSET,
  KernelImageError,
  checkKernelImage,
  isArm64Image,
  isBzImage,
  kernelConfigValue,
  kvmBuild,
} from '../src/index.js';

/** An arm64 Image header as Documentation/arch/arm64/booting.rst lays it out. */
function arm64Header(): Buffer {
  const header = Buffer.alloc(64);
  header.write('MZ', 0, 'latin1');
  header.writeBigUInt64LE(0n, 8);
  header.writeBigUInt64LE(0x1ab_0000n, 16);
  header.writeBigUInt64LE(0xan, 24);
  header.write('ARM\x64', 56, 'latin1');
  return header;
}

describe('kernel image checks', () => {
  it('recognises the arm64 Image magic ARM\\x64 at byte 56', () => {
    expect(ARM64_IMAGE_MAGIC_OFFSET).toBe(56);
    expect(Buffer.from('ARM\x64', 'latin1').readUInt32LE(0)).toBe(ARM64_IMAGE_MAGIC);
    expect(isArm64Image(arm64Header())).toBe(true);
    expect(() => checkKernelImage('arm64-image', arm64Header(), 'vmlinuz')).not.toThrow();
  });

  it('rejects a missing or misplaced magic and too short files', () => {
    const shifted = Buffer.concat([Buffer.alloc(4), arm64Header()]);
    expect(isArm64Image(shifted)).toBe(false);
    expect(isArm64Image(arm64Header().subarray(0, 59))).toBe(false);
    expect(() => checkKernelImage('arm64-image', shifted, 'vmlinuz-6.1')).toThrow(KernelImageError);
    expect(() => checkKernelImage('arm64-image', shifted, 'vmlinuz-6.1')).toThrow(
      "vmlinuz-6.1 is not a raw arm64 Image (no 'ARM\\x64' magic at byte 56)",
    );
  });

  it('says so when the arm64 image is gzip-compressed', () => {
    expect(() => checkKernelImage('arm64-image', gzipSync(arm64Header()), 'vmlinuz')).toThrow(
      /gzip-compressed, vmm needs the uncompressed Image/,
    );
  });

  it('recognises a bzImage by HdrS at 0x202 and tells the formats apart', () => {
    const bz = Buffer.alloc(0x300);
    bz.write('HdrS', 0x202, 'latin1');
    expect(isBzImage(bz)).toBe(true);
    expect(isBzImage(arm64Header())).toBe(false);
    expect(isArm64Image(bz)).toBe(false);
    expect(() => checkKernelImage('bzImage', bz, 'bz')).not.toThrow();
    expect(() => checkKernelImage('bzImage', arm64Header(), 'img')).toThrow(/not an x86 bzImage/);
  });
});

describe('kernel config', () => {
  const config = [
    '# CONFIG_KVM_WERROR is not set',
    'CONFIG_HAVE_KVM=y',
    'CONFIG_KVM=y',
    'CONFIG_VIRTIO_MMIO=m',
    'CONFIG_NR_CPUS=256',
    '',
  ].join('\n');

  it('reads option values and treats unset options as null', () => {
    expect(kernelConfigValue(config, 'CONFIG_KVM')).toBe('y');
    expect(kernelConfigValue(config, 'CONFIG_VIRTIO_MMIO')).toBe('m');
    expect(kernelConfigValue(config, 'CONFIG_NR_CPUS')).toBe('256');
    expect(kernelConfigValue(config, 'CONFIG_KVM_WERROR')).toBeNull();
    expect(kernelConfigValue(config, 'CONFIG_HAVE')).toBeNull();
  });

  it('tells built-in, modular and absent KVM apart', () => {
    expect(kvmBuild(config)).toBe('built-in');
    expect(kvmBuild('CONFIG_KVM=m\n')).toBe('module');
    expect(kvmBuild('# CONFIG_KVM is not set\n')).toBe('absent');
  });
});
