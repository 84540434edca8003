import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_APPLETS,
  GUEST_INIT_MARKER,
  GuestToolsError,
  buildInitramfs,
  readCpioNewc,
  renderInitScript,
  type CpioNewcRecord,
} from '../src/index.js';

const FAKE_BUSYBOX = Buffer.from('\x7fELF fake busybox');

function unpack(gz: Buffer): Map<string, CpioNewcRecord> {
  return new Map(readCpioNewc(gunzipSync(gz)).map((record) => [record.name, record]));
}

describe('buildInitramfs', () => {
  const records = unpack(buildInitramfs({ busybox: FAKE_BUSYBOX }));

  it('has an executable /init holding the stock script', () => {
    const init = records.get('init');
    expect(init?.mode).toBe(0o100755);
    expect(init?.data.toString()).toBe(renderInitScript());
  });

  it('has /dev/console (char 5:1) and /dev/null (char 1:3) for the time before devtmpfs', () => {
    const consoleNode = records.get('dev/console');
    expect(consoleNode?.mode).toBe(0o020600);
    expect([consoleNode?.rdevMajor, consoleNode?.rdevMinor]).toEqual([5, 1]);
    const nullNode = records.get('dev/null');
    expect(nullNode?.mode).toBe(0o020666);
    expect([nullNode?.rdevMajor, nullNode?.rdevMinor]).toEqual([1, 3]);
  });

  it('has /bin/busybox and a symlink to it for every default applet', () => {
    const busybox = records.get('bin/busybox');
    expect(busybox?.mode).toBe(0o100755);
    expect(busybox?.data.equals(FAKE_BUSYBOX)).toBe(true);
    for (const applet of DEFAULT_APPLETS) {
      const link = records.get(`bin/${applet}`);
      expect(link?.mode, applet).toBe(0o120777);
      expect(link?.data.toString(), applet).toBe('busybox');
    }
  });

  it('has the base directories before anything inside them, all owned by root', () => {
    const names = [...records.keys()];
    for (const dir of ['bin', 'dev', 'etc', 'proc', 'root', 'sys', 'tmp']) {
      expect(records.get(dir)?.mode.toString(8), dir).toMatch(/^4/);
    }
    expect(records.get('tmp')?.mode).toBe(0o41777);
    for (const [index, name] of names.entries()) {
      const parent = name.split('/').slice(0, -1).join('/');
      if (parent !== '') {
        expect(names.indexOf(parent), name).toBeLessThan(index);
      }
    }
    expect([...records.values()].every((r) => r.uid === 0 && r.gid === 0)).toBe(true);
  });

  it('takes a custom init, applets and extra files, creating their parent directories', () => {
    const custom = unpack(
      buildInitramfs({
        busybox: FAKE_BUSYBOX,
        init: '#!/bin/sh\necho custom\n',
        applets: ['sh', 'insmod', 'busybox'],
        extraFiles: [{ path: '/lib/modules/kvm.ko', data: Buffer.from([1, 2, 3]) }],
      }),
    );
    expect(custom.get('init')?.data.toString()).toBe('#!/bin/sh\necho custom\n');
    expect(custom.has('bin/insmod')).toBe(true);
    expect(custom.has('bin/cat')).toBe(false);
    expect(custom.get('bin/busybox')?.mode).toBe(0o100755);
    expect(custom.get('lib')?.mode).toBe(0o40755);
    expect(custom.get('lib/modules')?.mode).toBe(0o40755);
    expect(custom.get('lib/modules/kvm.ko')?.mode).toBe(0o100644);
    expect([...(custom.get('lib/modules/kvm.ko')?.data ?? [])]).toEqual([1, 2, 3]);
  });

  it('is reproducible', () => {
    expect(
      buildInitramfs({ busybox: FAKE_BUSYBOX }).equals(buildInitramfs({ busybox: FAKE_BUSYBOX })),
    ).toBe(true);
  });

  it('rejects unusable applet names and extra files that clash or climb out', () => {
    expect(() => buildInitramfs({ busybox: FAKE_BUSYBOX, applets: ['../sh'] })).toThrow(
      GuestToolsError,
    );
    expect(() =>
      buildInitramfs({ busybox: FAKE_BUSYBOX, extraFiles: [{ path: '/init', data: '' }] }),
    ).toThrow(/already/);
    expect(() =>
      buildInitramfs({ busybox: FAKE_BUSYBOX, extraFiles: [{ path: '/a/../b', data: '' }] }),
    ).toThrow(/plain/);
  });
});

describe('renderInitScript', () => {
  const script = renderInitScript();

  it('mounts the pseudo filesystems, reports, and handles vmm.test= on the cmdline', () => {
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain('mount -t proc proc /proc');
    expect(script).toContain('mount -t sysfs sysfs /sys');
    expect(script).toMatch(/mount -t devtmpfs devtmpfs \/dev .*\|\|/);
    expect(script).toContain(`echo '${GUEST_INIT_MARKER}'\n`);
    expect(script).toContain('$(uname -r)');
    expect(script).toContain('$(uname -m)');
    expect(script).toContain('grep MemTotal /proc/meminfo');
    expect(script).toMatch(/vmm\.test=poweroff "\*\)\n.*\n {2}poweroff -f/);
    expect(script).toMatch(/vmm\.test=reboot "\*\)\n.*\n {2}reboot -f/);
    expect(
      script
        .trimEnd()
        .endsWith('setsid cttyhack sh\necho "vmm-init: shell exited, powering off"\npoweroff -f'),
    ).toBe(true);
  });

  it('puts extra steps after the report and before the cmdline handling, and quotes the marker', () => {
    const custom = renderInitScript({ marker: "it's-up", extraSteps: ['insmod /lib/kvm.ko'] });
    expect(custom).toContain(`echo 'it'\\''s-up'\n`);
    const step = custom.indexOf('insmod /lib/kvm.ko');
    expect(step).toBeGreaterThan(custom.indexOf('MemTotal'));
    expect(step).toBeLessThan(custom.indexOf('/proc/cmdline'));
  });

  it('names no console device, so the same script serves ttyS0 and ttyAMA0', () => {
    expect(script).not.toMatch(/tty(S|AMA)\d/);
    expect(script).not.toMatch(/console=/);
  });

  it('is valid POSIX shell (`sh -n`)', () => {
    const check = spawnSync('sh', ['-n'], { input: renderInitScript({ extraSteps: ['true'] }) });
    expect(check.stderr.toString()).toBe('');
    expect(check.status).toBe(0);
  });

  it('takes the documented branch for each cmdline when run with stub commands', () => {
    const run = (cmdline: string): string => {
      const stubbed = renderInitScript()
        .replace('read -r cmdline < /proc/cmdline', `cmdline='${cmdline}'`)
        .replace(/^mount .*$/gm, ':')
        .replace('grep MemTotal /proc/meminfo', 'echo MemTotal: 1 kB');
      const shell = `poweroff() { echo "POWEROFF $*"; }; reboot() { echo "REBOOT $*"; };
        setsid() { echo "SHELL $*"; }; uname() { echo "U$1"; }\n${stubbed}`;
      return spawnSync('sh', ['-c', shell]).stdout.toString();
    };
    const expectedHead = `${GUEST_INIT_MARKER}\nuname-r: U-r\nuname-m: U-m\nMemTotal: 1 kB\n`;
    expect(run('console=ttyS0 vmm.test=poweroff')).toBe(
      `${expectedHead}vmm-init: vmm.test=poweroff, powering off\nPOWEROFF -f\n` +
        'vmm-init: starting a shell on the console; exit it to power off\nSHELL cttyhack sh\n' +
        'vmm-init: shell exited, powering off\nPOWEROFF -f\n',
    );
    expect(run('vmm.test=reboot quiet')).toContain('REBOOT -f\n');
    const interactive = run('console=ttyS0 vmm.test=poweroffx');
    expect(interactive).not.toContain('vmm.test=');
    expect(interactive).toContain('SHELL cttyhack sh\n');
  });
});
