import { describe, expect, it } from 'vitest';
import {
  GUEST_ARCH_PROFILES,
  archQualified,
  debFileName,
  kernelImagePackage,
  needsForeignArchitecture,
  parseAptCacheShow,
  parseArchitectureList,
} from '../src/index.js';

const ARM64_KERNEL_META = `Package: linux-image-cloud-arm64
Source: linux-signed-arm64 (6.1.192+2)
Version: 6.1.192-2
Installed-Size: 13
Maintainer: Debian Kernel Team <debian-kernel@lists.debian.org>
Architecture: arm64
Depends: linux-image-6.1.0-56-cloud-arm64 (= 6.1.192-2)
Description: Linux for arm64 cloud (meta-package)
`;

const ARM64_BUSYBOX = `Package: busybox-static
Source: busybox (1:1.35.0-4+deb12u1)
Version: 1:1.35.0-4+deb12u1+b1
Architecture: arm64
Replaces: busybox
Description: Standalone rescue shell with tons of builtin utilities
`;

describe('Debian package names with an architecture qualifier', () => {
  it('qualifies names the way apt-cache and apt-get take foreign packages', () => {
    const profile = GUEST_ARCH_PROFILES.aarch64;
    expect(archQualified(profile.kernelMetaPackage, profile.debianArch)).toBe(
      'linux-image-cloud-arm64:arm64',
    );
    expect(archQualified(profile.busyboxPackage, profile.debianArch)).toBe('busybox-static:arm64');
    expect(archQualified('linux-image-cloud-amd64', GUEST_ARCH_PROFILES.x86_64.debianArch)).toBe(
      'linux-image-cloud-amd64:amd64',
    );
  });

  it('resolves the versioned kernel package from the metapackage Depends field', () => {
    const meta = parseAptCacheShow(ARM64_KERNEL_META);
    expect(kernelImagePackage(meta?.depends ?? '')).toBe('linux-image-6.1.0-56-cloud-arm64');
    expect(kernelImagePackage('linux-image-6.1.0-56-cloud-arm64:arm64 (= 6.1.192-2)')).toBe(
      'linux-image-6.1.0-56-cloud-arm64',
    );
    expect(
      kernelImagePackage('initramfs-tools | linux-initramfs-tool, linux-image-6.1.0-9-amd64'),
    ).toBe('linux-image-6.1.0-9-amd64');
    expect(kernelImagePackage('linux-image-cloud-arm64-signed-template, kmod')).toBeNull();
  });

  it('parses an apt-cache record, taking the source version of a binary-only rebuild', () => {
    expect(parseAptCacheShow(ARM64_BUSYBOX)).toEqual({
      name: 'busybox-static',
      version: '1:1.35.0-4+deb12u1+b1',
      architecture: 'arm64',
      depends: '',
      sourceVersion: '1:1.35.0-4+deb12u1',
    });
    expect(parseAptCacheShow(ARM64_KERNEL_META)?.sourceVersion).toBe('6.1.192+2');
    expect(parseAptCacheShow('Package: a\nVersion: 1.0\nArchitecture: all\n')?.sourceVersion).toBe(
      '1.0',
    );
    expect(parseAptCacheShow('N: Unable to locate package nope\n')).toBeNull();
  });

  it('names .deb files as apt-get download does, with the epoch colon escaped', () => {
    const info = parseAptCacheShow(ARM64_BUSYBOX);
    expect(info && debFileName(info)).toBe('busybox-static_1%3a1.35.0-4+deb12u1+b1_arm64.deb');
  });
});

describe('dpkg architectures', () => {
  it('adds arm64 only when it is neither native nor already foreign', () => {
    expect(needsForeignArchitecture({ native: 'amd64', foreign: [] }, 'arm64')).toBe(true);
    expect(needsForeignArchitecture({ native: 'amd64', foreign: ['i386'] }, 'arm64')).toBe(true);
    expect(needsForeignArchitecture({ native: 'amd64', foreign: ['arm64'] }, 'arm64')).toBe(false);
    expect(needsForeignArchitecture({ native: 'arm64', foreign: [] }, 'arm64')).toBe(false);
    expect(needsForeignArchitecture({ native: 'amd64', foreign: [] }, 'amd64')).toBe(false);
  });

  it('splits dpkg --print-foreign-architectures output', () => {
    expect(parseArchitectureList('arm64\ni386\n')).toEqual(['arm64', 'i386']);
    expect(parseArchitectureList('')).toEqual([]);
  });
});
