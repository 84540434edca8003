import { existsSync } from 'node:fs';
import { commandExists } from '@vmm/guest-tools';
import { describe, expect, it } from 'vitest';
import {
  E2E_ARCH_PROFILES,
  OUTER_QEMU_LAYOUT,
  OuterImageError,
  buildOuterImage,
  isOuterImageFile,
  locateQemuBundle,
  outerQemuPath,
  parseQemuDataDirs,
} from '../src/index.js';

const profile = E2E_ARCH_PROFILES.x86_64;
const hasQemu = commandExists(profile.qemuBinary);
if (!hasQemu) {
  console.warn(`skipping locateQemuBundle: ${profile.qemuBinary} is not installed`);
}

describe('parseQemuDataDirs', () => {
  it('resolves the directories `-L help` prints relative to the program', () => {
    const output =
      '/usr/bin/../share/qemu\n/usr/bin/../share/seabios\n\n/usr/bin/../lib/ipxe/qemu\n';
    expect(parseQemuDataDirs(output)).toEqual([
      '/usr/share/qemu',
      '/usr/share/seabios',
      '/usr/lib/ipxe/qemu',
    ]);
  });
});

describe('isOuterImageFile', () => {
  it('tells the standard image and each variant apart, so pruning one keeps the others', () => {
    expect(isOuterImageFile('outer-3f1a4ecae2e8c6be.cpio', null)).toBe(true);
    expect(isOuterImageFile('outer-boot-race-0f1becad6a7e1b66.cpio', null)).toBe(false);
    expect(isOuterImageFile('outer-boot-race-0f1becad6a7e1b66.cpio', 'boot-race')).toBe(true);
    expect(isOuterImageFile('outer-3f1a4ecae2e8c6be.cpio', 'boot-race')).toBe(false);
    expect(isOuterImageFile('outer-boot-race-0f1becad6a7e1b66.cpio', 'boot')).toBe(false);
    expect(isOuterImageFile('outer-3f1a4ecae2e8c6be.cpio.partial-12', null)).toBe(false);
  });
});

describe('buildOuterImage variants', () => {
  it('refuses QEMU or extra files without a variant name, before building anything', async () => {
    await expect(
      buildOuterImage({ qemu: { firmware: [] }, cacheDir: '/nonexistent' }),
    ).rejects.toThrow(OuterImageError);
    await expect(
      buildOuterImage({ extraFiles: [{ path: '/x', data: 'x' }], cacheDir: '/nonexistent' }),
    ).rejects.toThrow(/needs a variant name/);
  });

  it('refuses a variant name that is not lowercase words joined by dashes', async () => {
    await expect(
      buildOuterImage({ variant: 'Boot_Race', cacheDir: '/nonexistent' }),
    ).rejects.toThrow(/variant 'Boot_Race' must be lowercase/);
  });
});

describe.skipIf(!hasQemu)('locateQemuBundle', () => {
  it('finds the QEMU program, its libraries and the microvm firmware (symlinks resolved)', async () => {
    const bundle = await locateQemuBundle(profile, { firmware: ['bios-microvm.bin'] });
    expect(bundle.binary).toMatch(/qemu-system-x86_64$/);
    expect(bundle.libraries.some((path) => /\/libc\.so\.6$/.test(path))).toBe(true);
    expect(bundle.firmware).toHaveLength(1);
    expect(bundle.firmware[0]?.name).toBe('bios-microvm.bin');
    expect(existsSync(bundle.firmware[0]?.hostPath ?? '')).toBe(true);
    expect(outerQemuPath(profile)).toBe(`${OUTER_QEMU_LAYOUT.binDir}/qemu-system-x86_64`);
  });

  it('names the package to reinstall when a firmware file is missing', async () => {
    await expect(locateQemuBundle(profile, { firmware: ['no-such-firmware.bin'] })).rejects.toThrow(
      /no-such-firmware\.bin is in none of .*reinstall qemu-system-x86/,
    );
  });
});
