import type { E2eArchProfile } from './arch-profile.js';

/** What the emulated outer host boots. */
export interface QemuBootFiles {
  /** The outer kernel. */
  kernel: string;
  /** The outer initramfs. */
  initrd: string;
  /** The file the outer kernel's log port is written to (used when the profile has that port). */
  kernelLogFile: string;
}

/**
 * The outer kernel's command line: its log on the kernel log port (or the console port when the
 * machine has only one), `/init` from the initramfs, reboot at once on a panic (which, with
 * QEMU's `-no-reboot`, ends QEMU), `quiet` so that only errors reach the log port, and the
 * profile's `outerKernelArgs`.
 */
export function outerKernelCmdline(profile: E2eArchProfile): string {
  const logPort = profile.kernelLogPort ?? profile.consolePort;
  return [
    `console=${logPort.device}`,
    'rdinit=/init',
    'panic=-1',
    'quiet',
    ...profile.outerKernelArgs,
  ].join(' ');
}

/** Doubles commas, QEMU's escape for a comma inside an option value. */
function qemuOptionValue(text: string): string {
  return text.replaceAll(',', ',,');
}

/**
 * The arguments for `profile.qemuBinary` that boot the outer host: software emulation, no
 * default devices, no display, no reboot (a reboot or panic ends QEMU), the console port on
 * QEMU's stdin/stdout (`signal=off`: a Ctrl-C typed into it goes to the guest) and, when the
 * profile has one, the kernel log port written to `files.kernelLogFile`.
 */
export function qemuArgs(profile: E2eArchProfile, files: QemuBootFiles): string[] {
  const kernelLog =
    profile.kernelLogPort === null
      ? []
      : [
          '-chardev',
          `file,id=kernel-log,path=${qemuOptionValue(files.kernelLogFile)}`,
          '-serial',
          'chardev:kernel-log',
        ];
  return [
    ...profile.qemuMachineArgs,
    '-smp',
    String(profile.outerCpus),
    '-m',
    `${profile.outerMemoryMiB}M`,
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-chardev',
    'stdio,id=console,signal=off',
    '-serial',
    'chardev:console',
    ...kernelLog,
    '-kernel',
    files.kernel,
    '-initrd',
    files.initrd,
    '-append',
    outerKernelCmdline(profile),
  ];
}
