import { E2E_ARCH_PROFILES, outerKernelCmdline } from '@vmm/e2e';
import { describe, expect, it } from 'vitest';
import {
  BOOT_RACE_KERNEL_CMDLINE,
  BOOT_RACE_OUTER_KERNEL_ARGS,
  BOOT_RACE_QUIET_KERNEL_CMDLINE,
  BOOT_RACE_RUNNER_PATH,
  bootRaceOuterCommand,
  bootRaceOuterProfile,
  bootRacePlan,
} from '../src/boot-race-commands.js';
import { decodeBootRacePlan } from '../src/boot-race-plan.js';

const QEMU = '/usr/bin/qemu-system-x86_64';

function after(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index === -1 ? undefined : argv[index + 1];
}

describe('bootRacePlan', () => {
  const plan = bootRacePlan({ runs: 5, qemuBinary: QEMU, cmdline: BOOT_RACE_KERNEL_CMDLINE });
  const [vmm, qemu] = plan.candidates;

  it('takes turns between vmm, QEMU and vmm decompressing the kernel, timed to the inner /init marker', () => {
    expect(plan.candidates.map((candidate) => candidate.name)).toEqual([
      'vmm',
      'qemu',
      'vmm-guest-decompression',
    ]);
    expect(plan.marker).toBe('VMM-GUEST-INIT-OK');
    expect(plan.runs).toBe(5);
  });

  it('gives both the same kernel, initramfs, command line, RAM and vCPU count', () => {
    const v = vmm?.argv ?? [];
    const q = qemu?.argv ?? [];
    expect(after(v, '--kernel')).toBe(after(q, '-kernel'));
    expect(after(v, '--initramfs')).toBe(after(q, '-initrd'));
    expect(after(v, '--cmdline')).toBe(BOOT_RACE_KERNEL_CMDLINE);
    expect(after(q, '-append')).toBe(BOOT_RACE_KERNEL_CMDLINE);
    expect(after(v, '--memory')).toBe('256M');
    expect(after(q, '-m')).toBe('256M');
    expect(after(v, '--cpus')).toBe('1');
    expect(after(q, '-smp')).toBe('1');
  });

  it('differs for vmm-guest-decompression only in --kernel-decompression guest', () => {
    const guestDecompression = plan.candidates[2]?.argv ?? [];
    expect(after(guestDecompression, '--kernel-decompression')).toBe('guest');
    expect(
      guestDecompression.filter((arg) => arg !== '--kernel-decompression' && arg !== 'guest'),
    ).toEqual(vmm?.argv);
  });

  it('runs QEMU as microvm on KVM with its firmware from the image', () => {
    const q = qemu?.argv ?? [];
    expect(q[0]).toBe(QEMU);
    expect(after(q, '-M')).toMatch(/^microvm,/);
    expect(after(q, '-accel')).toBe('kvm');
    expect(after(q, '-L')).toBe('/qemu-share');
    expect(after(q, '-serial')).toBe('stdio');
  });

  it('adds quiet to both when asked', () => {
    const quiet = bootRacePlan({
      runs: 1,
      qemuBinary: QEMU,
      cmdline: BOOT_RACE_QUIET_KERNEL_CMDLINE,
    });
    expect(BOOT_RACE_QUIET_KERNEL_CMDLINE).toBe(`${BOOT_RACE_KERNEL_CMDLINE} quiet`);
    expect(after(quiet.candidates[0]?.argv ?? [], '--cmdline')).toBe(
      BOOT_RACE_QUIET_KERNEL_CMDLINE,
    );
    expect(after(quiet.candidates[1]?.argv ?? [], '-append')).toBe(BOOT_RACE_QUIET_KERNEL_CMDLINE);
  });
});

describe('bootRaceOuterCommand', () => {
  it('runs the shipped runner on the plan, in one line the outer console takes', () => {
    const plan = bootRacePlan({ runs: 5, qemuBinary: QEMU, cmdline: BOOT_RACE_KERNEL_CMDLINE });
    const command = bootRaceOuterCommand(plan);
    const [node, runner, word, ...rest] = command.split(' ');
    expect([node, runner, rest]).toEqual(['/usr/bin/node', BOOT_RACE_RUNNER_PATH, []]);
    expect(decodeBootRacePlan(word ?? '')).toEqual({ ok: true, plan });
    expect(command.length).toBeLessThan(4000);
  });

  it('refuses a plan too long for the console line', () => {
    const plan = bootRacePlan({ runs: 5, qemuBinary: QEMU, cmdline: 'x'.repeat(4000) });
    expect(() => bootRaceOuterCommand(plan)).toThrow(/characters; the outer console takes/);
  });
});

describe('bootRaceOuterProfile', () => {
  it('has the outer host zero freed memory, on top of the test bed', () => {
    expect(BOOT_RACE_OUTER_KERNEL_ARGS).toEqual(['init_on_free=1']);
    const profile = bootRaceOuterProfile();
    expect(outerKernelCmdline(profile)).toBe(
      `${outerKernelCmdline(E2E_ARCH_PROFILES.x86_64)} init_on_free=1`,
    );
    expect({ ...profile, outerKernelArgs: [] }).toEqual(E2E_ARCH_PROFILES.x86_64);
  });

  it('is the stock test bed when freed memory is kept', () => {
    expect(bootRaceOuterProfile(true)).toBe(E2E_ARCH_PROFILES.x86_64);
  });
});
