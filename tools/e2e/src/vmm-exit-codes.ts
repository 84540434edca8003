/**
 * What each exit status of the `vmm` command means (see `vmm --help`), for result messages.
 * Statuses above 128 from the shell mean a signal ended vmm.
 */
export const VMM_EXIT_MEANINGS: Readonly<Record<number, string>> = {
  0: 'the guest powered off',
  1: 'vmm could not start or run the VM',
  2: 'bad vmm command line',
  3: 'the guest rebooted',
  4: 'the guest crashed',
  5: 'the hypervisor could not continue the guest',
  130: 'stopped from the host',
};

/** vmm's exit status for a guest that crashed (a triple fault among them). */
export const VMM_EXIT_GUEST_CRASHED = 4;

/** The command's exit status when the outer host killed it at its deadline (128 + SIGKILL). */
export const KILLED_AT_OUTER_DEADLINE = 137;

/** Describes vmm exit status `code` in words, e.g. `3 (the guest rebooted)`. */
export function describeVmmExit(code: number): string {
  const meaning =
    VMM_EXIT_MEANINGS[code] ?? (code > 128 ? `killed by signal ${code - 128}` : 'unknown status');
  return `${code} (${meaning})`;
}
