import { HIDEABLE_CPU_FEATURES } from '@vmm/kvm';
import {
  DEFAULT_KERNEL_DECOMPRESSION,
  DEFAULT_MEMORY,
  MAX_VCPUS,
  defaultCmdline,
} from '@vmm/machine';
import { EXIT_CODES } from './exit-codes.js';

/** The `vmm --help` text. */
export const HELP = `Usage: vmm --kernel PATH [options]

Boot a Linux kernel in a virtual machine, with its serial console on this terminal.

Options:
  --kernel PATH       kernel to boot: x86_64 bzImage, arm64 Image (required)
  --initramfs PATH    initial RAM filesystem (cpio, optionally gzip'ed)
  --cmdline TEXT      kernel command line
                      (default x86_64: "${defaultCmdline('x86_64')}",
                               aarch64: "${defaultCmdline('aarch64')}")
  --memory SIZE       guest RAM, e.g. 256M, 2G                    (default: ${DEFAULT_MEMORY})
  --cpus N            number of vCPUs, 1-${MAX_VCPUS}                            (default: 1)
  --accel NAME        hypervisor: kvm (Linux), hvp (macOS on Apple silicon)  (default: kvm)
  --hide-cpu-feature NAME[,NAME...]
                      keep an x86_64 CPU feature from the guest, like QEMU's -cpu host,-NAME
                      (repeatable; hiding one hides those that need it): ${HIDEABLE_CPU_FEATURES.join(', ')}
  --kernel-decompression guest|vmm
                      who unpacks an x86_64 kernel: vmm (an LZ4 bzImage is decoded on the
                      host, entered at startup_64, KASLR applied by vmm; usually the faster
                      boot; other kernels unpack themselves) or the kernel's own
                      decompressor in the guest                           (default: ${DEFAULT_KERNEL_DECOMPRESSION})
  --device SPEC       add a device (none are available yet; reserved for virtio)
  --debug             print stack traces on errors
  -h, --help          show this help
  -V, --version       show the version

Console: keystrokes go to the guest's serial port. Ctrl-A x quits, Ctrl-A h shows the
escape keys, Ctrl-A Ctrl-A sends Ctrl-A.

Exit status:
  ${EXIT_CODES.poweredOff}    the guest powered off
  ${EXIT_CODES.vmmError}    vmm could not start or run the VM (bad input, no /dev/kvm, ...)
  ${EXIT_CODES.usage}    bad command line
  ${EXIT_CODES.reboot}    the guest rebooted (vmm does not restart it)
  ${EXIT_CODES.guestCrash}    the guest crashed (triple fault, unrecoverable halt)
  ${EXIT_CODES.hypervisorError}    the hypervisor could not continue the guest (e.g. emulation failure)
  ${EXIT_CODES.stopped}  stopped from the host (Ctrl-A x, SIGINT, SIGTERM)
`;
