/** Ctrl-A: the escape key, as in QEMU's `-nographic` console. */
export const ESCAPE_BYTE = 0x01;

/** What the user asked for with an escape sequence. */
export type EscapeCommand = 'quit' | 'help';

/** What one chunk of keyboard input turned into. */
export interface FilteredInput {
  /** Bytes to forward to the guest. */
  readonly forward: Uint8Array;
  /** Escape commands, in the order typed. */
  readonly commands: readonly EscapeCommand[];
}

/** The escape help text, printed for Ctrl-A h. */
export const ESCAPE_HELP =
  'Ctrl-A x  quit vmm\r\nCtrl-A h  this help\r\nCtrl-A Ctrl-A  send Ctrl-A to the guest\r\n';

/**
 * Splits keyboard input into guest bytes and QEMU-style escape commands: Ctrl-A x quits,
 * Ctrl-A h prints help, Ctrl-A Ctrl-A sends one Ctrl-A. An escape split across chunks is
 * remembered; any other key after Ctrl-A is forwarded as typed (the Ctrl-A is dropped).
 */
export class ConsoleEscapeFilter {
  #escaped = false;

  /** Filters one chunk of input. */
  filter(input: Uint8Array): FilteredInput {
    const forward: number[] = [];
    const commands: EscapeCommand[] = [];
    for (const byte of input) {
      if (!this.#escaped) {
        if (byte === ESCAPE_BYTE) this.#escaped = true;
        else forward.push(byte);
        continue;
      }
      this.#escaped = false;
      if (byte === 0x78 || byte === 0x58) commands.push('quit');
      else if (byte === 0x68 || byte === 0x48) commands.push('help');
      else forward.push(byte);
    }
    return { forward: Uint8Array.from(forward), commands };
  }
}
