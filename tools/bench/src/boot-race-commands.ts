import { GUEST_INIT_MARKER } from '@vmm/guest-tools';
import {
  E2E_ARCH_PROFILES,
  OUTER_IMAGE_LAYOUT,
  OUTER_QEMU_LAYOUT,
  shellQuote,
  VMM_CLI_ENTRY,
  type E2eArchProfile,
} from '@vmm/e2e';
import { encodeBootRacePlan, type BootRaceCandidate, type BootRacePlan } from './boot-race-plan.js';
import { BenchError } from './errors.js';

/**
 * The inner kernel's command line, the same for both candidates: console on the first serial
 * port (not `quiet`: the whole boot log, about 20 KB, is printed, as in the e2e scenarios),
 * reboot by the keyboard controller, reboot at once on a panic, and the stock /init's order to
 * power off right after printing its marker.
 */
export const BOOT_RACE_KERNEL_CMDLINE = 'console=ttyS0 reboot=k panic=-1 vmm.test=poweroff';

/**
 * {@link BOOT_RACE_KERNEL_CMDLINE} with `quiet` (`--quiet-kernel`): the kernel prints only
 * warnings, so the serial console's cost (one exit per byte) mostly leaves the figures.
 */
export const BOOT_RACE_QUIET_KERNEL_CMDLINE = `${BOOT_RACE_KERNEL_CMDLINE} quiet`;

/**
 * Kernel console lines timed on the way to the marker (see `BootRacePlan.milestones`): the
 * banner, the kernel's first line (the VMM has started and the kernel has decompressed itself
 * and set up its console), and the start of /init (the kernel's own boot is done). `quiet`
 * hides both.
 */
export const BOOT_RACE_MILESTONES: readonly string[] = [
  'Linux version',
  'Run /init as init process',
];

/**
 * What the race's outer kernel adds to the e2e test bed's command line: `init_on_free=1`, so
 * that the outer host zeroes every page a candidate frees when it exits. The emulator (QEMU's
 * TCG) keeps the code it translated from a page of the outer host's memory until that page is
 * written, and a page written while it still holds translations takes the emulator's slow path
 * on every store. Without the zeroing, each candidate's guest RAM came largely from pages the
 * previous candidate's guest had run code from, and a boot paid for the translations of the
 * boots before it: the later boots in an outer host took 0.4-2 s longer on the guest's own clock
 * than the first (docs/BENCHMARKS.md, "2026-12-04, fifteenth session"). Zeroed at free, the
 * pages reach the next candidate without translations, and every run starts as the first did.
 * The zeroing happens as a candidate exits, after its marker.
 */
export const BOOT_RACE_OUTER_KERNEL_ARGS: readonly string[] = ['init_on_free=1'];

/**
 * The e2e test bed's x86_64 profile with the race's outer kernel arguments
 * ({@link BOOT_RACE_OUTER_KERNEL_ARGS}); `keepFreedMemory` leaves them out (the race's method
 * until 2026-12-04).
 */
export function bootRaceOuterProfile(keepFreedMemory = false): E2eArchProfile {
  const profile = E2E_ARCH_PROFILES.x86_64;
  return keepFreedMemory
    ? profile
    : {
        ...profile,
        outerKernelArgs: [...profile.outerKernelArgs, ...BOOT_RACE_OUTER_KERNEL_ARGS],
      };
}

/** Guest RAM of both candidates, in MiB. */
export const BOOT_RACE_MEMORY_MIB = 256;

/**
 * QEMU's machine: the minimal x86_64 `microvm` board. `x-option-roms=off` boots the kernel
 * straight from qboot (no linuxboot option ROM); `rtc=on` gives the guest the CMOS RTC that vmm
 * emulates too (QEMU 7.2 leaves it out under KVM by default, and Linux's `rtc_cmos` probe then
 * spins for seconds before reporting it "broken or not accessible": about 4.5 s in this nested
 * setup); `auto-kernel-cmdline=off` keeps QEMU from appending `virtio_mmio.device=` arguments,
 * so the kernel sees the very command line vmm passes. ACPI stays on (the default): the guest's
 * power-off then ends QEMU, as it ends vmm.
 */
export const BOOT_RACE_QEMU_MACHINE = 'microvm,x-option-roms=off,rtc=on,auto-kernel-cmdline=off';

/**
 * QEMU's CPU model: the host's, less XSAVE (and what needs it), the very CPU vmm gives its guest
 * in this outer host (`innerVmmArgs` of the e2e x86_64 profile: the emulated SVM does not
 * intercept XSETBV, which breaks XSAVE for any inner guest).
 */
export const BOOT_RACE_QEMU_CPU = 'host,xsave=off';

/** The firmware files of QEMU's data directory that {@link BOOT_RACE_QEMU_MACHINE} loads. */
export const BOOT_RACE_QEMU_FIRMWARE: readonly string[] = ['bios-microvm.bin'];

/** Where the benchmark's outer image holds the race runner (`dist/boot-race-runner.js`). */
export const BOOT_RACE_RUNNER_PATH = '/bench/boot-race-runner.js';

/** The cache variant name of the benchmark's outer image (see `buildOuterImage`). */
export const BOOT_RACE_IMAGE_VARIANT = 'boot-race';

/** Longest command line the outer /init reads in one piece (the tty's canonical line limit). */
const MAX_OUTER_COMMAND_CHARS = 4000;

/**
 * vmm as the outer host runs it: the image's node on the deployed CLI (the `/bin/vmm` wrapper
 * does the same after a shell's `exec`), with KVM, the inner kernel and initramfs of the image,
 * and the e2e profile's vmm arguments for this outer host (XSAVE hidden).
 */
export function vmmCandidate(cmdline: string): BootRaceCandidate {
  return {
    name: 'vmm',
    argv: [
      OUTER_IMAGE_LAYOUT.node,
      `${OUTER_IMAGE_LAYOUT.vmmDir}/${VMM_CLI_ENTRY}`,
      '--kernel',
      OUTER_IMAGE_LAYOUT.innerKernel,
      '--initramfs',
      OUTER_IMAGE_LAYOUT.innerInitramfs,
      '--memory',
      `${BOOT_RACE_MEMORY_MIB}M`,
      '--cpus',
      '1',
      '--accel',
      'kvm',
      ...E2E_ARCH_PROFILES.x86_64.innerVmmArgs,
      '--cmdline',
      cmdline,
    ],
  };
}

/**
 * vmm with `--kernel-decompression guest` (the kernel's own decompressor runs in the guest, as
 * under QEMU), otherwise as {@link vmmCandidate}, which decompresses the kernel itself (vmm's
 * default): raced alongside, so each race shows what that default is worth.
 */
export function vmmGuestDecompressionCandidate(cmdline: string): BootRaceCandidate {
  const vmm = vmmCandidate(cmdline);
  return {
    name: 'vmm-guest-decompression',
    argv: [...vmm.argv.slice(0, -2), '--kernel-decompression', 'guest', ...vmm.argv.slice(-2)],
  };
}

/**
 * QEMU as the outer host runs it (`qemuBinary`, its path in the image): microvm with KVM and the
 * host CPU model less XSAVE ({@link BOOT_RACE_QEMU_CPU}), the same RAM, one vCPU, no default devices or user config, no display, the
 * first serial port on stdio, firmware from the image's `/qemu-share`, no reboot (a reboot or
 * panic ends it), and the same kernel, initramfs and command line (`cmdline`) as vmm.
 */
export function qemuCandidate(qemuBinary: string, cmdline: string): BootRaceCandidate {
  return {
    name: 'qemu',
    argv: [
      qemuBinary,
      '-M',
      BOOT_RACE_QEMU_MACHINE,
      '-accel',
      'kvm',
      '-cpu',
      BOOT_RACE_QEMU_CPU,
      '-m',
      `${BOOT_RACE_MEMORY_MIB}M`,
      '-smp',
      '1',
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-no-reboot',
      '-serial',
      'stdio',
      '-L',
      OUTER_QEMU_LAYOUT.firmwareDir,
      '-kernel',
      OUTER_IMAGE_LAYOUT.innerKernel,
      '-initrd',
      OUTER_IMAGE_LAYOUT.innerInitramfs,
      '-append',
      cmdline,
    ],
  };
}

/** Options for {@link bootRacePlan}. */
export interface BootRacePlanOptions {
  /** Rounds (runs of each candidate). */
  runs: number;
  /** The QEMU program's path in the outer image. */
  qemuBinary: string;
  /** The inner kernel's command line for both candidates. */
  cmdline: string;
}

/** How long a run may take to its marker before it counts as stalled and is killed. */
export const BOOT_RACE_MARKER_TIMEOUT_MS = 90_000;

/**
 * The race as the benchmark runs it: vmm, QEMU and vmm leaving the decompression to the guest
 * ({@link vmmGuestDecompressionCandidate}) in turn, timed to the stock inner /init's
 * marker (`VMM-GUEST-INIT-OK`) with the {@link BOOT_RACE_MILESTONES} on the way,
 * {@link BOOT_RACE_MARKER_TIMEOUT_MS} at most to the marker (the slowest boot seen, with the
 * real machine loaded on purpose, took 29 s) and 60 s from it to the exit, one second's pause
 * between runs.
 */
export function bootRacePlan(options: BootRacePlanOptions): BootRacePlan {
  return {
    runs: options.runs,
    marker: GUEST_INIT_MARKER,
    milestones: BOOT_RACE_MILESTONES,
    markerTimeoutMs: BOOT_RACE_MARKER_TIMEOUT_MS,
    exitTimeoutMs: 60_000,
    settleMs: 1000,
    candidates: [
      vmmCandidate(options.cmdline),
      qemuCandidate(options.qemuBinary, options.cmdline),
      vmmGuestDecompressionCandidate(options.cmdline),
    ],
  };
}

/**
 * The command line the outer /init runs for `plan`: the image's node on the runner with the
 * encoded plan.
 *
 * @throws {@link BenchError} when it is longer than the outer tty takes in one line.
 */
export function bootRaceOuterCommand(plan: BootRacePlan): string {
  const command = [OUTER_IMAGE_LAYOUT.node, BOOT_RACE_RUNNER_PATH, encodeBootRacePlan(plan)]
    .map(shellQuote)
    .join(' ');
  if (command.length > MAX_OUTER_COMMAND_CHARS) {
    throw new BenchError(
      `the race's command line has ${command.length} characters; the outer console takes at most ${MAX_OUTER_COMMAND_CHARS}`,
    );
  }
  return command;
}
