import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_APPLETS, fetchGuestAssets, readCpioNewc, renderInitScript } from '../src/index.js';

const hasApt =
  spawnSync('apt-get', ['--version']).status === 0 && spawnSync('dpkg', ['--version']).status === 0;
if (!hasApt) {
  console.warn('skipping the real guest asset fetch: this host has no apt-get (not Debian)');
}

describe.skipIf(!hasApt)('fetchGuestAssets (real apt download into the cache)', () => {
  it('fetches a bzImage kernel and builds the initramfs, and a second run changes nothing', async () => {
    const messages: string[] = [];
    const assets = await fetchGuestAssets({ log: (m) => messages.push(m) });

    const vmlinuz = readFileSync(assets.vmlinuz);
    expect(vmlinuz.toString('latin1', 0x202, 0x206)).toBe('HdrS');
    expect(vmlinuz.readUInt16LE(0x1fe)).toBe(0xaa55);
    expect(assets.kernelRelease).toMatch(/^\d+\.\d+\.\d+-\d+-cloud-amd64$/);
    expect(assets.kernelPackage).toBe(`linux-image-${assets.kernelRelease}`);
    expect(readFileSync(assets.kernelReleaseFile, 'utf8')).toBe(`${assets.kernelRelease}\n`);
    expect(assets.modulesDir.endsWith(`/lib/modules/${assets.kernelRelease}`)).toBe(true);
    for (const module of Object.values(assets.kvmModules ?? {})) {
      expect(statSync(module).size, module).toBeGreaterThan(0);
    }

    const busybox = readFileSync(assets.busybox);
    expect(busybox.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(assets.applets).toEqual(expect.arrayContaining([...DEFAULT_APPLETS]));
    const records = new Map(
      readCpioNewc(gunzipSync(readFileSync(assets.initramfs))).map((r) => [r.name, r]),
    );
    expect(records.get('init')?.data.toString()).toBe(renderInitScript());
    expect(records.get('bin/busybox')?.data.equals(busybox)).toBe(true);
    expect(records.get('bin/cttyhack')?.data.toString()).toBe('busybox');

    const again: string[] = [];
    const second = await fetchGuestAssets({ log: (m) => again.push(m) });
    expect(second).toEqual(assets);
    expect(again.filter((m) => /downloading|unpacking|wrote/.test(m))).toEqual([]);
    expect(again.filter((m) => m.startsWith('using cached'))).toHaveLength(2);
  }, 180_000);
});
