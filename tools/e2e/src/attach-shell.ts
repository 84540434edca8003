import { join } from 'node:path';
import { E2E_ARCH_PROFILES, type E2eArch } from './arch-profile.js';
import { e2eCacheDir } from './e2e-cache-dir.js';
import { stderrLogger, type E2eLogger } from './logger.js';
import { OUTER_MARKERS, completeLine, parseConsoleTranscript } from './markers.js';
import { buildOuterImage } from './outer-image.js';
import { OuterSession } from './outer-session.js';
import { outerCommandLine } from './outer-command.js';

/** The key that stops QEMU in {@link attachShell}: Ctrl-] (as in telnet). */
export const DETACH_BYTE = 0x1d;

/** How long an attached session may last before its watchdog stops QEMU. */
const ATTACHED_WATCHDOG_MS = 60 * 60 * 1000;

/** The terminal {@link attachShell} uses. */
export interface AttachTerminal {
  /** Keyboard input; put in raw mode when it is a TTY. */
  stdin: NodeJS.ReadStream;
  /** Where the console goes. */
  stdout: NodeJS.WritableStream;
}

/** Options for {@link attachShell}. */
export interface AttachShellOptions {
  /** The architecture; `x86_64` by default. */
  arch?: E2eArch;
  /** Receives progress messages; {@link stderrLogger} by default. */
  log?: E2eLogger;
  /** The terminal; this process's stdin and stdout by default. */
  terminal?: AttachTerminal;
}

/**
 * Boots the outer host and, in it, vmm with the inner guest's interactive shell, and connects
 * the terminal to the console: every key goes to the inner guest (Ctrl-A x quits vmm, after
 * which the outer host powers off; Ctrl-] stops QEMU at once). Resolves with vmm's exit status,
 * or 1 when vmm never ended.
 */
export async function attachShell(options: AttachShellOptions = {}): Promise<number> {
  const profile = E2E_ARCH_PROFILES[options.arch ?? 'x86_64'];
  const log = options.log ?? stderrLogger;
  const terminal = options.terminal ?? { stdin: process.stdin, stdout: process.stdout };
  const image = await buildOuterImage({ arch: profile.arch, log });
  const session = await OuterSession.start({
    profile,
    image,
    runDir: join(
      e2eCacheDir(),
      'runs',
      `${new Date().toISOString().replaceAll(/[:.]/g, '-')}-shell`,
    ),
    watchdogMs: ATTACHED_WATCHDOG_MS,
    onOutput: (text) => terminal.stdout.write(text),
  });
  log('booting the outer host; Ctrl-] stops QEMU, Ctrl-A x quits vmm');
  const onInput = (chunk: Buffer): void => {
    if (chunk.includes(DETACH_BYTE)) {
      void session.stop();
    } else if (session.exit === null) {
      session.send(chunk);
    }
  };
  const raw = terminal.stdin.isTTY;
  try {
    await session.waitFor(completeLine(OUTER_MARKERS.ready));
    session.send(
      `${outerCommandLine(profile, { kind: 'boot', memory: '256M', cpus: 1, kernelArgs: [] })}\n`,
    );
    if (raw) terminal.stdin.setRawMode(true);
    terminal.stdin.on('data', onInput);
    await session.exited;
  } finally {
    terminal.stdin.off('data', onInput);
    if (raw) terminal.stdin.setRawMode(false);
    terminal.stdin.pause();
    await session.stop();
  }
  return parseConsoleTranscript(session.output).vmmExitCode ?? 1;
}
