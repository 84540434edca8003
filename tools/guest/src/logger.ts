/** Receives one progress message (a line without its newline) from the tool. */
export type GuestToolsLogger = (message: string) => void;

/** The default logger: writes `vmm-guest: <message>` lines to stderr. */
export const stderrLogger: GuestToolsLogger = (message) => {
  process.stderr.write(`vmm-guest: ${message}\n`);
};
