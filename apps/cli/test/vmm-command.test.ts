import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostMemoryCapacity } from '@vmm/machine';
import { printingBzImage } from './fixtures/printing-bzimage.js';

const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'apps', 'cli', 'dist', 'vmm.cjs');
const guest = join(root, '.cache', 'guest', 'x86_64');
const kernel = join(guest, 'vmlinuz');
const initramfs = join(guest, 'initramfs.cpio.gz');
const hasKvm = existsSync('/dev/kvm');
const hasKernel = existsSync(kernel) && existsSync(initramfs);
/** This host's KVM flavour cannot run an unmodified Linux to the end (see the README). */
const isKvmPvm = existsSync('/sys/module/kvm_pvm');

function vmm(args: string[], timeoutMs = 20_000) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'latin1',
    timeout: timeoutMs,
    input: '',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the vmm command', () => {
  it('prints its help and exits 0', () => {
    const { status, stdout } = vmm(['--help']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: vmm --kernel PATH/);
    expect(stdout).toMatch(/Ctrl-A x quits/);
  });

  it('says what is wrong with the command line in one line and exits 2', () => {
    const { status, stderr } = vmm(['--memory', '1G']);
    expect(status).toBe(2);
    expect(stderr).toBe("vmm: --kernel PATH is required\nTry 'vmm --help'.\n");
  });

  it('reports a missing kernel file without a stack trace and exits 1', () => {
    const { status, stderr } = vmm(['--kernel', '/nonexistent/bzImage']);
    expect(status).toBe(1);
    expect(stderr).toBe('vmm: cannot read the kernel at /nonexistent/bzImage: ENOENT\n');
  });

  it('rejects a file that is not a bzImage with a message naming the problem', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vmm-cli-')), 'vmlinux');
    writeFileSync(file, Buffer.alloc(4096, 0x7f));
    const { status, stderr } = vmm(['--kernel', file]);
    expect(status).toBe(1);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(/bzImage/);
  });

  it.skipIf(process.platform === 'darwin' && process.arch === 'arm64')(
    'explains that --accel hvp needs macOS on Apple silicon, and exits 1',
    () => {
      const file = join(mkdtempSync(join(tmpdir(), 'vmm-cli-')), 'Image');
      writeFileSync(file, Buffer.alloc(4096));
      const { status, stderr } = vmm(['--accel', 'hvp', '--kernel', file]);
      expect(status).toBe(1);
      expect(stderr).toMatch(/^vmm: hvp runs on macOS on Apple silicon/);
      expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    },
  );

  it('rejects a bad memory size', () => {
    const { status, stderr } = vmm(['--kernel', kernel, '--memory', 'lots']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/memory size "lots" is not understood/);
  });
});

if (!hasKvm) console.warn('skipping the Debian kernel boot: /dev/kvm is not present on this host');
if (!hasKernel)
  console.warn(`skipping the Debian kernel boot: run 'vmm-guest fetch' first (no ${kernel})`);

describe.skipIf(!hasKvm || !hasKernel)('the vmm command booting the Debian kernel', () => {
  it('loads the bzImage, passes our e820 map and exact command line, and reports how the run ended', () => {
    const cmdline = 'console=ttyS0 earlyprintk=serial,ttyS0 reboot=k panic=-1 vmm.test=poweroff';
    const { status, stdout, stderr } = vmm(
      ['--kernel', kernel, '--initramfs', initramfs, '--memory', '256M', '--cmdline', cmdline],
      170_000,
    );
    expect(stdout).toMatch(/Linux version 6\.1\.\S+-cloud-amd64/);
    expect(stdout).toContain(`Command line: ${cmdline}`);
    expect(stdout).toContain('BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable');
    expect(stdout).toContain('BIOS-e820: [mem 0x0000000000100000-0x000000000fffffff] usable');
    expect(stdout).toMatch(/Memory: \d+K\/\d+K available/);
    if (isKvmPvm) {
      // kvm_pvm cannot emulate some instructions a stock kernel executes (cmpxchg16b, xrstor).
      expect(stderr).toMatch(
        /^vmm: the hypervisor could not continue the guest on vCPU 0: emulation failure \(internal error 1, data .*\) at rip=0x[0-9a-f]+ /,
      );
      const lines = stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^vmm: hint: this host's KVM is kvm_pvm \(shadow paging\)/);
      expect(status).toBe(5);
    } else {
      expect(stdout).toContain('VMM-GUEST-INIT-OK');
    }
  }, 180_000);
});

describe.skipIf(!hasKernel)("the README's main command on its native path", () => {
  it('runs the built vmm command (here with --help, which it passes on)', () => {
    const result = spawnSync('bash', [join(root, 'tools', 'boot-guest.sh'), '--help'], {
      encoding: 'utf8',
      env: { ...process.env, VMM_PATH: 'native' },
      timeout: 60_000,
    });
    expect(result.stderr).toMatch(/^boot-guest: native path \(VMM_PATH=native\)/m);
    expect(result.stdout).toMatch(/^Usage: vmm --kernel PATH/);
    expect(result.status).toBe(0);
  });
});

/** Reads `count` bytes from `stream` (and stops reading it). */
async function readBytes(stream: NodeJS.ReadableStream, count: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= count) break;
  }
  return Buffer.concat(chunks).subarray(0, count);
}

describe.skipIf(!hasKvm)('the vmm command with a guest that floods its console', () => {
  it('stops the guest and says why when its console output closes, without a stack trace', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vmm-cli-')), 'bzImage');
    writeFileSync(file, printingBzImage());
    const child = spawn(process.execPath, [cli, '--kernel', file, '--memory', '64M'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    const output = await readBytes(child.stdout, 256 * 1024);
    expect(output.every((byte, index) => byte === (index & 0xff))).toBe(true);
    child.stdout.destroy();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code] = await exited;
    clearTimeout(timer);
    expect(stderr).toMatch(/^vmm: the console's output closed \(EPIPE\); stopping the guest$/m);
    expect(stderr).toMatch(/^vmm: stopped by the host$/m);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(code).toBe(130);
  }, 30_000);
});

describe.skipIf(!hasKvm)(
  'the vmm command asked for more RAM than the host can give a guest',
  () => {
    it('refuses it in one line before making a VM, and exits 1', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'vmm-cli-')), 'bzImage');
      writeFileSync(file, printingBzImage());
      const started = Date.now();
      const { status, stderr } = vmm(['--kernel', file, '--memory', '8000T']);
      expect(stderr).toMatch(
        /^vmm: memory size "8000T" is too large for this host: the guest's memory map ends at 0x[0-9a-f]+ and needs 53-bit guest physical addresses, but this host's KVM gives a guest \d+ bits \(addresses below \d+ [TP]iB\)\n$/,
      );
      expect(status).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it("refuses RAM beyond the host's RAM and swap in one line, and exits 1", () => {
      const file = join(mkdtempSync(join(tmpdir(), 'vmm-cli-')), 'bzImage');
      writeFileSync(file, printingBzImage());
      const capacity = hostMemoryCapacity()!;
      const size = `${Math.ceil((capacity.ram + capacity.swap) / 2 ** 30) + 1}G`;
      const { status, stderr } = vmm(['--kernel', file, '--memory', size]);
      expect(stderr).toMatch(
        new RegExp(
          `^vmm: memory size "${size}" is more than this host can hold: it has [\\d.]+ GiB of RAM and [\\d.]+ GiB of swap\\n$`,
        ),
      );
      expect(status).toBe(1);
    });
  },
);
