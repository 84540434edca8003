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

/** Describes vmm exit status `code` in words, e.g. `3 (the guest rebooted)`. */
export function describeVmmExit(code: number): string {
  const meaning =
    VMM_EXIT_MEANINGS[code] ?? (code > 128 ? `killed by signal ${code - 128}` : 'unknown status');
  return `${code} (${meaning})`;
}
