/** Lines of the inner guest's kernel that tell how its run ended, with what each means. */
const INNER_LAST_WORDS: readonly (readonly [RegExp, string])[] = [
  [/Kernel panic - not syncing:.*/, 'the inner kernel panicked'],
  [/reboot: Power down/, 'the inner kernel powered off (ACPI S5 or equivalent)'],
  [/reboot: System halted/, 'the inner kernel halted: it found no way to power off'],
  [/reboot: Restarting system/, 'the inner kernel restarted the machine'],
];

/**
 * Explains the end of the inner guest's output for people reading a failed run: one hint per
 * known line found (panic, power-off, halt, restart), quoting the line, and whether vmm then
 * ended. Empty when none is found.
 */
export function diagnoseInnerOutput(innerOutput: string, vmmExitCode: number | null): string[] {
  const hints: string[] = [];
  for (const [pattern, meaning] of INNER_LAST_WORDS) {
    const match = pattern.exec(innerOutput);
    if (match !== null) {
      const after = vmmExitCode === null ? '; vmm did not end after it' : '';
      hints.push(`${meaning} ("${match[0].trim()}")${after}`);
    }
  }
  return hints;
}
