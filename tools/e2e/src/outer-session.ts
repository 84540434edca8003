import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { E2eArchProfile } from './arch-profile.js';
import { ConsoleWaitError, E2eError } from './errors.js';
import { type KernelRecords, withoutKernelRecords } from './kernel-records.js';
import { TIMED_MARKERS, normalizeConsole, splitPartialControlSequence } from './markers.js';
import type { OuterImage } from './outer-image.js';
import { qemuArgs } from './qemu-command.js';

/** Options for {@link OuterSession.start}. */
export interface OuterSessionOptions {
  /** The architecture profile (QEMU program, ports). */
  profile: E2eArchProfile;
  /** The outer kernel and initramfs. */
  image: Pick<OuterImage, 'kernel' | 'initrd'>;
  /** A directory for this session's logs (`console.log`, `outer-kernel.log`); created if needed. */
  runDir: string;
  /** After this many milliseconds QEMU is killed, whatever state it is in. */
  watchdogMs: number;
  /** Receives the raw console output as it arrives (e.g. to show it live). */
  onOutput?: (text: string) => void;
}

/** How QEMU ended. */
export interface QemuExit {
  /** Its exit code, or `null` when a signal ended it. */
  code: number | null;
  /** The signal that ended it, or `null`. */
  signal: NodeJS.Signals | null;
  /** Who stopped it: the watchdog, the harness ({@link OuterSession.stop}), or `null` (itself). */
  stoppedBy: 'watchdog' | 'harness' | null;
  /** What QEMU wrote to stderr (its own errors, e.g. a missing file). */
  stderr: string;
  /** Milliseconds from start to exit. */
  elapsedMs: number;
}

interface Waiter {
  pattern: RegExp;
  from: number;
  kernelRecords: KernelRecords;
  resolve: (match: RegExpExecArray) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

const TAIL_CHARS = 600;

/**
 * One run of the emulated outer host: QEMU started with the outer image, its console port on
 * QEMU's stdin/stdout. Console output is kept (normalized by `normalizeConsole`) for
 * {@link OuterSession.waitFor}, timestamped at each known marker, and logged raw to
 * `<runDir>/console.log`; the outer kernel's log port goes to `<runDir>/outer-kernel.log`.
 * {@link OuterSession.send} types into the console port: once vmm runs there, into the inner
 * guest's serial console.
 */
export class OuterSession {
  /** This session's log directory. */
  readonly runDir: string;
  /** The raw console log. */
  readonly consoleLogFile: string;
  /** The outer kernel's log port, or `null` when the profile has no separate port. */
  readonly kernelLogFile: string | null;
  /** Resolves once QEMU has exited and its output is drained. */
  readonly exited: Promise<QemuExit>;

  readonly #child: ChildProcessWithoutNullStreams;
  readonly #log: WriteStream;
  readonly #startedAt = performance.now();
  readonly #markerTimes = new Map<string, number>();
  readonly #waiters = new Set<Waiter>();
  readonly #watchdog: NodeJS.Timeout;
  readonly #watchdogMs: number;
  #text = '';
  #pendingOutput = '';
  #cursor = 0;
  #stderr = '';
  #stoppedBy: QemuExit['stoppedBy'] = null;
  #exit: QemuExit | null = null;

  private constructor(options: OuterSessionOptions) {
    this.runDir = options.runDir;
    this.consoleLogFile = join(options.runDir, 'console.log');
    const kernelLogFile = join(options.runDir, 'outer-kernel.log');
    this.kernelLogFile = options.profile.kernelLogPort === null ? null : kernelLogFile;
    this.#watchdogMs = options.watchdogMs;
    this.#log = createWriteStream(this.consoleLogFile);
    this.#child = spawn(
      options.profile.qemuBinary,
      qemuArgs(options.profile, {
        kernel: options.image.kernel,
        initrd: options.image.initrd,
        kernelLogFile,
      }),
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.#child.stdin.on('error', () => undefined);
    this.#child.stdout.setEncoding('utf8');
    this.#child.stderr.setEncoding('utf8');
    this.#child.stdout.on('data', (text: string) => {
      this.#log.write(text);
      options.onOutput?.(text);
      this.#append(text);
    });
    this.#child.stderr.on('data', (text: string) => {
      this.#stderr += text;
    });
    this.#watchdog = setTimeout(() => {
      this.#kill('watchdog');
    }, options.watchdogMs);
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        clearTimeout(this.#watchdog);
        this.#exit = {
          code,
          signal,
          stoppedBy: this.#stoppedBy,
          stderr: this.#stderr.trim(),
          elapsedMs: this.elapsedMs,
        };
        for (const waiter of this.#waiters) {
          this.#settle(
            waiter,
            new ConsoleWaitError(waiter.pattern, this.#endReason(), this.tail()),
          );
        }
        this.#log.end(() => resolve(this.#exit as QemuExit));
      };
      this.#child.once('error', (error) => {
        this.#stderr += `${error.message}\n`;
        finish(null, null);
      });
      this.#child.once('close', finish);
    });
  }

  /**
   * Starts QEMU with the outer image. The watchdog starts counting now.
   *
   * @throws {@link E2eError} when the log directory cannot be created.
   */
  static async start(options: OuterSessionOptions): Promise<OuterSession> {
    try {
      await mkdir(options.runDir, { recursive: true });
    } catch (error) {
      throw new E2eError(`cannot create the run directory ${options.runDir}`, { cause: error });
    }
    return new OuterSession(options);
  }

  /** Milliseconds since QEMU was started. */
  get elapsedMs(): number {
    return performance.now() - this.#startedAt;
  }

  /** All console output so far, carriage returns and terminal control sequences removed. */
  get output(): string {
    return this.#text;
  }

  /** How QEMU ended, or `null` while it runs. */
  get exit(): QemuExit | null {
    return this.#exit;
  }

  /** Milliseconds after start at which each of `TIMED_MARKERS` first appeared on the console. */
  get markerTimes(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#markerTimes);
  }

  /** The last few hundred characters of console output, on one line (for messages). */
  tail(chars: number = TAIL_CHARS): string {
    return this.#text.slice(-chars).replaceAll('\n', ' | ').trim();
  }

  /**
   * Types `input` (text, or raw keystroke bytes) into the console port (QEMU's stdin). A line
   * needs its own `\n`.
   *
   * @throws {@link E2eError} when QEMU has exited.
   */
  send(input: string | Uint8Array): void {
    if (this.#exit !== null || !this.#child.stdin.writable) {
      const what = typeof input === 'string' ? JSON.stringify(input) : `${input.length} bytes`;
      throw new E2eError(`cannot send ${what}: QEMU has exited`);
    }
    this.#child.stdin.write(input);
  }

  /**
   * Waits until `pattern` matches console output that arrived after the end of the previous
   * match (the whole output for the first wait), and resolves with the match. Waits in turn thus
   * follow the console forward. Without `timeoutMs` it waits until QEMU exits (at the latest when
   * the watchdog stops it). A `g` or `y` flag on `pattern` is ignored. With `kernelRecords`
   * `skip`, the kernel's log records are taken out of the output first, so that a line a
   * program printed matches even where a record interrupted it.
   *
   * @throws {@link ConsoleWaitError} when the time runs out or QEMU exits first.
   */
  waitFor(
    pattern: RegExp,
    timeoutMs?: number,
    kernelRecords: KernelRecords = 'keep',
  ): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pattern: new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')),
        from: this.#cursor,
        kernelRecords,
        resolve,
        reject,
        timer: undefined,
      };
      if (this.#check(waiter)) {
        return;
      }
      if (this.#exit !== null) {
        reject(new ConsoleWaitError(pattern, this.#endReason(), this.tail()));
        return;
      }
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.#settle(waiter, new ConsoleWaitError(pattern, 'timeout', this.tail()));
        }, timeoutMs);
      }
      this.#waiters.add(waiter);
    });
  }

  /** Kills QEMU (SIGKILL) if it still runs, and resolves once it has exited. */
  async stop(): Promise<QemuExit> {
    this.#kill('harness');
    return this.exited;
  }

  /** The outer kernel's log so far, or `null` when the profile has no kernel log port. */
  async readKernelLog(): Promise<string | null> {
    if (this.kernelLogFile === null) {
      return null;
    }
    return existsSync(this.kernelLogFile) ? readFile(this.kernelLogFile, 'utf8') : '';
  }

  /** True when the watchdog had to stop QEMU. */
  get watchdogFired(): boolean {
    return this.#stoppedBy === 'watchdog';
  }

  /** The watchdog's limit in milliseconds. */
  get watchdogMs(): number {
    return this.#watchdogMs;
  }

  #kill(by: 'watchdog' | 'harness'): void {
    if (this.#exit === null && this.#stoppedBy === null) {
      this.#stoppedBy = by;
      this.#child.kill('SIGKILL');
    }
  }

  #endReason(): 'watchdog' | 'closed' | 'exited' {
    if (this.#stoppedBy === 'watchdog') {
      return 'watchdog';
    }
    return this.#stoppedBy === 'harness' ? 'closed' : 'exited';
  }

  #append(raw: string): void {
    const before = this.#text.length;
    const [complete, rest] = splitPartialControlSequence(this.#pendingOutput + raw);
    this.#pendingOutput = rest;
    this.#text += normalizeConsole(complete);
    const now = this.elapsedMs;
    for (const marker of TIMED_MARKERS) {
      if (
        !this.#markerTimes.has(marker) &&
        this.#text.includes(marker, Math.max(0, before - marker.length))
      ) {
        this.#markerTimes.set(marker, Math.round(now));
      }
    }
    for (const waiter of this.#waiters) {
      this.#check(waiter);
    }
  }

  #check(waiter: Waiter): boolean {
    const unread = this.#text.slice(waiter.from);
    const view = waiter.kernelRecords === 'skip' ? withoutKernelRecords(unread) : undefined;
    const match = waiter.pattern.exec(view?.text ?? unread);
    if (match === null) {
      return false;
    }
    const matchEnd = match.index + match[0].length;
    const end = waiter.from + (view?.sourceOffset(matchEnd) ?? matchEnd);
    this.#cursor = Math.max(this.#cursor, end);
    this.#settle(waiter, match);
    return true;
  }

  #settle(waiter: Waiter, outcome: RegExpExecArray | Error): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
    if (outcome instanceof Error) {
      waiter.reject(outcome);
    } else {
      waiter.resolve(outcome);
    }
  }
}
