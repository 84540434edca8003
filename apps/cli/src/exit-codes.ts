import type { VmOutcome } from '@vmm/machine';

/** The exit status of `vmm` for each way a run can end (also listed in `--help`). */
export const EXIT_CODES = {
  /** The guest powered off. */
  poweredOff: 0,
  /** vmm could not start or run the VM (bad input, no hypervisor, an internal failure). */
  vmmError: 1,
  /** The command line was wrong. */
  usage: 2,
  /** The guest rebooted (vmm does not restart it). */
  reboot: 3,
  /** The guest crashed: triple fault, reported crash, or a halt nothing can wake. */
  guestCrash: 4,
  /** The hypervisor could not continue the guest (emulation failure, failed entry). */
  hypervisorError: 5,
  /** Stopped from the host: Ctrl-A x, SIGINT or SIGTERM. */
  stopped: 130,
} as const;

/** The exit status for `outcome`. */
export function exitCodeFor(outcome: VmOutcome): number {
  switch (outcome.kind) {
    case 'power-off':
      return EXIT_CODES.poweredOff;
    case 'reboot':
      return EXIT_CODES.reboot;
    case 'halted':
    case 'triple-fault':
    case 'guest-crash':
      return EXIT_CODES.guestCrash;
    case 'internal-error':
    case 'fail-entry':
    case 'unknown-exit':
      return EXIT_CODES.hypervisorError;
    case 'stopped':
      return EXIT_CODES.stopped;
    case 'vmm-error':
      return EXIT_CODES.vmmError;
  }
}
