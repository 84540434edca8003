/** Receives one progress message (a line without its newline) from the test bed. */
export type E2eLogger = (message: string) => void;

/** The default logger: writes `vmm-e2e: <message>` lines to stderr. */
export const stderrLogger: E2eLogger = (message) => {
  process.stderr.write(`vmm-e2e: ${message}\n`);
};

/** A logger that drops every message. */
export const silentLogger: E2eLogger = () => undefined;
