/**
 * One record of the kernel's log as a serial console prints it (normalized): the
 * `[seconds.microseconds] ` stamp (`CONFIG_PRINTK_TIME`, on in Debian's kernels), the text and
 * the newline. A kernel console writes to the UART directly, past the tty's output buffer, so a
 * record can land in the middle of a line a program is printing: `cpus-2` becomes
 * `cpus-2[    6.912345] hrtimer: interrupt took 1234 ns\n\n`.
 */
const KERNEL_RECORD = /\[ *\d+\.\d{6}\] [^\n]*\n/g;

/**
 * What a wait on the console looks at: all of its output (`keep`), or the output with the
 * kernel's log records taken out (`skip`, see {@link withoutKernelRecords}), for lines a program
 * prints.
 */
export type KernelRecords = 'keep' | 'skip';

/** Console text without the kernel's log records, with the way back to the original text. */
export interface ConsoleWithoutKernelRecords {
  /** The text, every complete kernel record taken out (one still arriving is kept). */
  readonly text: string;
  /**
   * The offset in the original text of the character at `index` of {@link text}; at a place
   * where a record was taken out, the offset just past it. `text.length` maps to the original's
   * end.
   */
  sourceOffset(index: number): number;
}

/**
 * A stretch of the original text that was kept: where it starts in the result (`start`) and in
 * the original (`sourceStart`).
 */
interface KeptStretch {
  readonly start: number;
  readonly sourceStart: number;
}

/**
 * Takes the kernel's log records out of normalized console `text`, so that what programs print
 * reads as they printed it, wherever the kernel interrupted their lines.
 */
export function withoutKernelRecords(text: string): ConsoleWithoutKernelRecords {
  const kept: KeptStretch[] = [{ start: 0, sourceStart: 0 }];
  let result = '';
  let sourceAt = 0;
  for (const record of text.matchAll(KERNEL_RECORD)) {
    result += text.slice(sourceAt, record.index);
    sourceAt = record.index + record[0].length;
    kept.push({ start: result.length, sourceStart: sourceAt });
  }
  result += text.slice(sourceAt);
  return {
    text: result,
    sourceOffset(index) {
      let stretch = kept[0]!;
      for (const next of kept) {
        if (next.start > index) break;
        stretch = next;
      }
      return stretch.sourceStart + (index - stretch.start);
    },
  };
}
