import { once } from 'node:events';
import { Machine, describeOutcome, type VcpuThreadWarmup } from '@vmm/machine';
import { backendFor } from './backends.js';
import { ConsoleEscapeFilter, ESCAPE_HELP } from './console-escape.js';
import type { CliOptions } from './cli-options.js';
import { exitCodeFor } from './exit-codes.js';
import { failureHint } from './failure-hint.js';

/** The terminal `vmm` talks to: standard streams, as injectable for tests. */
export interface Terminal {
  /** Keyboard input. */
  readonly stdin: NodeJS.ReadableStream & {
    isTTY?: boolean;
    setRawMode?: (raw: boolean) => unknown;
  };
  /** Guest console output. */
  readonly stdout: NodeJS.WritableStream;
  /** vmm's own messages. */
  readonly stderr: NodeJS.WritableStream;
}

/**
 * Boots the VM described by `options` with its console on `terminal` and resolves with the
 * process exit code once it ends. Errors before the guest starts are thrown. `warmup` holds vCPU
 * threads started earlier (see `earlyBackend`), which the machine uses if they fit.
 */
export async function runVm(
  options: Extract<CliOptions, { action: 'run' }>,
  terminal: Terminal,
  warmup?: VcpuThreadWarmup,
): Promise<number> {
  const vm = await Machine.create({
    backend: backendFor(options.accel),
    ...(warmup === undefined ? {} : { warmup }),
    kernel: options.kernel,
    initramfs: options.initramfs,
    cmdline: options.cmdline,
    memory: options.memory,
    cpus: options.cpus,
    hiddenCpuFeatures: options.hiddenCpuFeatures,
    kernelDecompression: options.kernelDecompression,
  });
  vm.console.pipe(terminal.stdout, { end: false });
  const raw = terminal.stdin.isTTY === true && terminal.stdin.setRawMode !== undefined;
  // The console's output going away (a closed pipe: `vmm ... | head`, a reader that died) ends
  // the run, as SIGPIPE would end a C program, but with a line that says so: the rest of the
  // output is discarded and the guest stopped. The listener stays after the run: an error of a
  // write already made may come later.
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    vm.console.unpipe(terminal.stdout);
    vm.console.resume();
    terminal.stderr.write(
      `${raw ? '\r\n' : ''}vmm: the console's output closed (${error.code ?? error.message}); ` +
        'stopping the guest\n',
    );
    void vm.stop();
  };
  terminal.stdout.on('error', onOutputError);
  const escape = new ConsoleEscapeFilter();
  const onInput = (chunk: Buffer): void => {
    const { forward, commands } = escape.filter(chunk);
    if (forward.length > 0) vm.console.write(forward);
    for (const command of commands) {
      if (command === 'quit') void vm.stop();
      else terminal.stderr.write(`\r\n${ESCAPE_HELP}`);
    }
  };
  if (raw) terminal.stdin.setRawMode!(true);
  terminal.stdin.on('data', onInput);
  const stop = (): void => void vm.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const outcome = await vm.exited;
    if (!vm.console.readableEnded) await once(vm.console, 'end');
    terminal.stderr.write(`${raw ? '\r\n' : ''}vmm: ${describeOutcome(outcome)}\n`);
    const hint = failureHint(outcome, options.accel);
    if (hint !== undefined) terminal.stderr.write(`vmm: hint: ${hint}\n`);
    return exitCodeFor(outcome);
  } finally {
    terminal.stdin.off('data', onInput);
    if (raw) terminal.stdin.setRawMode!(false);
    terminal.stdin.pause();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
