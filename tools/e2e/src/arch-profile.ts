import type { GuestArch, GuestAssetPaths } from '@vmm/guest-tools';
import { OuterImageError, UnknownNameError } from './errors.js';

/**
 * An architecture the end-to-end test bed runs on: the emulated outer host and the inner guest
 * share it.
 */
export type E2eArch = 'x86_64' | 'aarch64';

/** A serial port of the emulated outer host, as a device node of its Linux. */
export interface SerialPortNode {
  /** The device name under /dev, e.g. `ttyS0`. */
  device: string;
  /** Character device major number. */
  major: number;
  /** Character device minor number. */
  minor: number;
}

/**
 * Everything arch-specific about a nested run: how to start QEMU, which serial ports carry what,
 * which kernel modules give the outer host a working /dev/kvm, and what the inner guest reports.
 */
export interface E2eArchProfile {
  /** The architecture's name. */
  arch: E2eArch;
  /** The @vmm/guest-tools architecture whose kernel, busybox and initramfs are used. */
  guestArch: GuestArch;
  /**
   * Node's `process.arch` in the outer host. The image takes this process's node when it has
   * that architecture, else a fetched one (`arm64`: see `outerNodeSource`).
   */
  nodeArch: NodeJS.Architecture;
  /** The QEMU system emulator program. */
  qemuBinary: string;
  /** The Debian package that provides {@link qemuBinary}. */
  qemuAptPackage: string;
  /**
   * QEMU arguments choosing the machine, software emulation and a CPU model that emulates the
   * hardware virtualization extensions (with nested paging) the outer host's KVM needs.
   */
  qemuMachineArgs: readonly string[];
  /**
   * Arguments appended to the outer kernel's command line (see `outerKernelCmdline`); empty in
   * the stock profiles. The boot-time race adds `init_on_free=1` (see @vmm/bench).
   */
  outerKernelArgs: readonly string[];
  /** Memory of the emulated outer host in MiB. */
  outerMemoryMiB: number;
  /** vCPUs of the emulated outer host. */
  outerCpus: number;
  /**
   * The outer host's port wired to the harness (QEMU's stdio): the outer /init's markers and
   * vmm's terminal, which carries the inner guest's console.
   */
  consolePort: SerialPortNode;
  /**
   * A second port for the outer kernel's own log (`console=` points there), written to a file,
   * so that outer kernel messages, panics above all, never mix with the inner guest's output.
   * `null` when the machine has a single port: the kernel log then shares {@link consolePort}.
   */
  kernelLogPort: SerialPortNode | null;
  /**
   * The inner guest kernel's base command line under vmm: its console (and early console) on
   * the serial port vmm emulates, and reboot instead of hanging on a panic. Scenarios add theirs.
   */
  innerKernelArgs: readonly string[];
  /**
   * Arguments vmm gets in this outer host besides the kernel, initramfs, RAM, vCPUs and
   * command line: what the emulated host needs of it.
   */
  innerVmmArgs: readonly string[];
  /** What `uname -m` prints in the inner guest. */
  unameMachine: string;
  /**
   * The kernel modules the outer host loads, in order, for /dev/kvm; empty when KVM is built
   * into the kernel.
   *
   * @throws {@link OuterImageError} when the guest assets lack them.
   */
  kvmModules(assets: GuestAssetPaths): readonly string[];
}

/** Profiles of every supported architecture. */
export const E2E_ARCH_PROFILES: Readonly<Record<E2eArch, E2eArchProfile>> = {
  x86_64: {
    arch: 'x86_64',
    guestArch: 'x86_64',
    nodeArch: 'x64',
    qemuBinary: 'qemu-system-x86_64',
    qemuAptPackage: 'qemu-system-x86',
    qemuMachineArgs: ['-machine', 'pc', '-accel', 'tcg', '-cpu', 'max'],
    outerMemoryMiB: 2048,
    outerCpus: 2,
    consolePort: { device: 'ttyS0', major: 4, minor: 64 },
    kernelLogPort: { device: 'ttyS1', major: 4, minor: 65 },
    outerKernelArgs: [],
    innerKernelArgs: ['console=ttyS0', 'earlyprintk=serial,ttyS0', 'reboot=k', 'panic=-1'],
    // QEMU 7.2's emulated SVM does not intercept XSETBV (measured: no XSETBV exit in a whole
    // inner boot), so the outer KVM never learns the guest's XCR0 and puts XCR0 back to x87-only
    // on every VM entry: the inner kernel warns "XSAVE consistency problem" and, now and then
    // (about 1 boot in 5 with a busy outer host), triple-faults. Without XSAVE in its CPUID the
    // guest never writes XCR0: 0 failures in 12 such boots alternating with QEMU.
    innerVmmArgs: ['--hide-cpu-feature', 'xsave'],
    unameMachine: 'x86_64',
    kvmModules(assets) {
      const modules = assets.kvmModules;
      if (modules === null) {
        throw new OuterImageError(
          `the guest kernel in ${assets.archDir} has no KVM modules; run \`vmm-guest fetch\``,
        );
      }
      return [modules.irqbypass, modules.kvm, modules.kvmAmd];
    },
  },
  aarch64: {
    arch: 'aarch64',
    guestArch: 'aarch64',
    nodeArch: 'arm64',
    qemuBinary: 'qemu-system-aarch64',
    qemuAptPackage: 'qemu-system-arm',
    qemuMachineArgs: [
      '-machine',
      'virt,virtualization=on,gic-version=3',
      '-accel',
      'tcg',
      '-cpu',
      'max,pauth=off,sve=off',
    ],
    outerMemoryMiB: 2048,
    outerCpus: 2,
    consolePort: { device: 'ttyAMA0', major: 204, minor: 64 },
    // QEMU's virt board has one non-secure PL011 (a second `-serial` adds none), and this
    // kernel's virtio console is a module: the outer kernel log shares the console (`quiet`,
    // then `dmesg -n 1`), and outer panics are told apart by where they appear (outer-panic.ts).
    kernelLogPort: null,
    outerKernelArgs: [],
    // Warnings and worse only: every PL011 byte is a nested exit (~0.3 ms from Node here), and
    // the ~14 KB info-level boot log would double the time to the inner /init (16 s vs 8 s).
    // Panics and `reboot:` lines still show.
    innerKernelArgs: ['console=ttyAMA0', 'loglevel=5', 'panic=-1'],
    innerVmmArgs: [],
    unameMachine: 'aarch64',
    kvmModules: () => [],
  },
};

/**
 * Checks a user-given architecture name and returns it as an {@link E2eArch}.
 *
 * @throws {@link UnknownNameError} for anything else.
 */
export function parseE2eArch(name: string): E2eArch {
  const known = Object.keys(E2E_ARCH_PROFILES);
  if (!known.includes(name)) {
    throw new UnknownNameError('architecture', name, known);
  }
  return name as E2eArch;
}
