import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  AARCH64_LOADER_NAME,
  DEFAULT_APPLETS,
  ELF_MACHINE_AARCH64,
  fetchAarch64HostAssets,
  fetchGuestAssets,
  readCpioNewc,
  readElfHeader,
  renderInitScript,
} from '../src/index.js';

const hasApt =
  spawnSync('apt-get', ['--version']).status === 0 && spawnSync('dpkg', ['--version']).status === 0;
if (!hasApt) {
  console.warn('skipping the real aarch64 asset fetch: this host has no apt-get (not Debian)');
}
const hasNpm = spawnSync('npm', ['--version']).status === 0;
if (hasApt && !hasNpm) {
  console.warn('skipping the real aarch64 host asset fetch: `npm` is not on PATH');
}

describe.skipIf(!hasApt)('aarch64 assets (real apt and npm downloads into the cache)', () => {
  it('fetches a raw arm64 Image and builds an initramfs with an aarch64 busybox, idempotently', async () => {
    const messages: string[] = [];
    const assets = await fetchGuestAssets({ arch: 'aarch64', log: (m) => messages.push(m) });

    const vmlinuz = readFileSync(assets.vmlinuz);
    expect(vmlinuz.toString('latin1', 56, 60)).toBe('ARM\x64');
    expect(vmlinuz.readUInt32LE(56)).toBe(0x644d_5241);
    expect(assets.kernelRelease).toMatch(/^\d+\.\d+\.\d+-\d+-cloud-arm64$/);
    expect(assets.kernelPackage).toBe(`linux-image-${assets.kernelRelease}`);
    expect(readFileSync(assets.kernelReleaseFile, 'utf8')).toBe(`${assets.kernelRelease}\n`);
    expect(statSync(assets.modulesDir).isDirectory()).toBe(true);
    expect(assets.kvm).toBe('built-in');
    expect(assets.kvmModules).toBeNull();

    const records = new Map(
      readCpioNewc(gunzipSync(readFileSync(assets.initramfs))).map((r) => [r.name, r]),
    );
    const busybox = records.get('bin/busybox')?.data ?? Buffer.alloc(0);
    expect(readElfHeader(busybox).machine).toBe(ELF_MACHINE_AARCH64);
    expect(busybox.equals(readFileSync(assets.busybox))).toBe(true);
    expect(records.get('init')?.data.toString()).toBe(renderInitScript());
    expect(records.get('bin/cttyhack')?.data.toString()).toBe('busybox');
    expect(assets.applets).toEqual(expect.arrayContaining([...DEFAULT_APPLETS]));
    if (process.arch !== 'arm64') {
      expect(assets.applets.length).toBeGreaterThan(DEFAULT_APPLETS.length);
      expect(messages.some((m) => m.startsWith('listing the applets with the'))).toBe(true);
    }

    const again: string[] = [];
    const second = await fetchGuestAssets({ arch: 'aarch64', log: (m) => again.push(m) });
    expect(second).toEqual(assets);
    expect(again.filter((m) => /downloading|unpacking|wrote|adding/.test(m))).toEqual([]);
  }, 600_000);

  it.skipIf(!hasNpm)(
    'fetches arm64 node, koffi and glibc for an arm64 host, all aarch64 ELF, idempotently',
    async () => {
      const host = await fetchAarch64HostAssets({ log: () => undefined });
      for (const file of [host.node, host.koffiModule, host.loader]) {
        expect(readElfHeader(readFileSync(file)).machine, file).toBe(ELF_MACHINE_AARCH64);
      }
      expect(statSync(host.node).mode & 0o111).not.toBe(0);
      expect(host.nodeVersion).toMatch(/^(20|22)\.\d+\.\d+$/);
      expect(readFileSync(host.nodeVersionFile, 'utf8')).toBe(`${host.nodeVersion}\n`);
      expect(host.interpreter).toBe(`/lib/${AARCH64_LOADER_NAME}`);
      expect(host.libraries).toEqual(
        expect.arrayContaining([
          'libc.so.6',
          'libstdc++.so.6',
          'libgcc_s.so.1',
          AARCH64_LOADER_NAME,
        ]),
      );
      for (const name of readdirSync(host.libDir).filter((n) => !n.startsWith('.'))) {
        expect(readElfHeader(readFileSync(join(host.libDir, name))).machine, name).toBe(183);
      }
      const manifest = JSON.parse(
        readFileSync(join(host.koffiPrebuildDir, 'package.json'), 'utf8'),
      ) as { name: string; version: string };
      expect(manifest).toMatchObject({
        name: '@koromix/koffi-linux-arm64',
        version: host.koffiVersion,
      });
      expect(existsSync(join(host.koffiPrebuildDir, 'index.js'))).toBe(true);

      const again: string[] = [];
      const second = await fetchAarch64HostAssets({ log: (m) => again.push(m) });
      expect(second).toEqual(host);
      expect(again.filter((m) => /downloading|unpacking|wrote|looking up/.test(m))).toEqual([]);
    },
    600_000,
  );
});
