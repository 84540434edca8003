import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { captureKvmTrace } from './kvm-trace-capture.js';

/**
 * Where a stalled candidate is looked at: the proc file system, KVM's debugfs directory and
 * the kernel's tracing directory.
 */
export interface StallSnapshotRoots {
  /** The proc file system (`/proc`). */
  readonly proc: string;
  /** KVM's statistics in debugfs (`/sys/kernel/debug/kvm`): one `<pid>-<fd>` directory per VM. */
  readonly kvmDebugfs: string;
  /** tracefs (`/sys/kernel/debug/tracing`), for KVM's trace events. */
  readonly tracing: string;
}

/** The roots of a running Linux. */
export const LINUX_STALL_SNAPSHOT_ROOTS: StallSnapshotRoots = {
  proc: '/proc',
  kvmDebugfs: '/sys/kernel/debug/kvm',
  tracing: '/sys/kernel/debug/tracing',
};

/** How long KVM's events are traced for a VM whose guest kept exiting, and how many are shown. */
const TRACE_WINDOW_MS = 20;
const TRACE_LINES_SHOWN = 24;

/** One thread of a process at one moment, from `/proc/<pid>/task/<tid>/`. */
export interface ThreadState {
  /** The thread id. */
  readonly tid: number;
  /** Its name (`comm`). */
  readonly name: string;
  /** Its scheduler state letter (`R` running, `S` sleeping, `D` uninterruptible, ...). */
  readonly state: string;
  /** User plus system CPU time so far, in clock ticks. */
  readonly cpuTicks: number;
  /**
   * What `syscall` says: the system call number and first arguments (`16 0x12 0xae80` for an
   * ioctl on fd 18), `running`, or `-1` when blocked outside a call; `?` when unreadable.
   */
  readonly syscall: string;
  /** The kernel function it waits in (`wchan`), or `?`. */
  readonly waitChannel: string;
}

/** A process and its VMs' counters at one moment. */
export interface ProcessSnapshot {
  /** Its threads, by thread id. */
  readonly threads: readonly ThreadState[];
  /**
   * KVM's counters of each of its VMs: `<pid>-<fd>` directory name to every numeric file in
   * it (`exits`, `io_exits`, `pf_fixed`, `insn_emulation`, ...; the vCPUs' summed).
   */
  readonly kvm: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** `path`'s text without its trailing newline, or `undefined` when it cannot be read. */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1').trimEnd();
  } catch {
    return undefined;
  }
}

/**
 * The state, name and CPU ticks in a `stat` line. The name sits in parentheses and may hold
 * spaces or parentheses itself, so the fields are counted from the last `)`.
 */
function parseStat(stat: string): { name: string; state: string; cpuTicks: number } | undefined {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = stat
    .slice(close + 2)
    .split(' ')
    .filter((field) => field !== '');
  // After the name: state (field 3 of proc(5)), ..., utime (14) and stime (15).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (fields[0] === undefined || !Number.isFinite(utime) || !Number.isFinite(stime)) {
    return undefined;
  }
  return { name: stat.slice(open + 1, close), state: fields[0], cpuTicks: utime + stime };
}

/**
 * The entries of `directory`, or none when it cannot be read: a process or VM that ends while
 * it is looked at leaves nothing to report, not an error.
 */
function entriesOf(directory: string): Dirent[] {
  try {
    return readdirSync(directory, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Process `pid`'s threads and its VMs' KVM counters, read from `roots` now. Threads that end
 * while being read are left out; a missing debugfs gives no VMs.
 */
export function readProcessSnapshot(pid: number, roots: StallSnapshotRoots): ProcessSnapshot {
  const taskDirectory = join(roots.proc, String(pid), 'task');
  const threads: ThreadState[] = [];
  const tids = entriesOf(taskDirectory)
    .map((entry) => entry.name)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(a) - Number(b));
  for (const entry of tids) {
    const directory = join(taskDirectory, entry);
    const stat = parseStat(readText(join(directory, 'stat')) ?? '');
    if (stat === undefined) continue;
    const syscallFields = (readText(join(directory, 'syscall')) ?? '?').split(' ');
    // Beyond the number and three arguments come three more arguments, the stack pointer and
    // the program counter, which say nothing readable.
    const syscall = syscallFields.slice(0, 4).join(' ');
    const waitChannel = readText(join(directory, 'wchan'));
    threads.push({
      tid: Number(entry),
      ...stat,
      syscall,
      waitChannel: waitChannel === undefined || waitChannel === '0' ? '?' : waitChannel,
    });
  }
  const kvm: Record<string, Record<string, number>> = {};
  const vms = entriesOf(roots.kvmDebugfs)
    .map((entry) => entry.name)
    .filter((name) => name.startsWith(`${pid}-`))
    .sort();
  for (const vm of vms) {
    const counters: Record<string, number> = {};
    const directory = join(roots.kvmDebugfs, vm);
    for (const entry of entriesOf(directory)) {
      if (!entry.isFile()) continue;
      const text = readText(join(directory, entry.name));
      if (text !== undefined && /^\d+$/.test(text)) counters[entry.name] = Number(text);
    }
    kvm[vm] = counters;
  }
  return { threads, kvm };
}

/**
 * Lines that say what a process was doing between two snapshots `intervalMs` apart: per
 * thread its state, system call, wait channel and the CPU ticks it used in between (a thread
 * inside `KVM_RUN` that uses CPU is running its guest; one that uses none is blocked), then for
 * each VM the KVM counters that changed, the most grown first (`exits` with no `io_exits` or
 * `halt_exits` beside it is the guest exiting into the kernel and straight back).
 */
export function describeProcessSnapshots(
  before: ProcessSnapshot,
  after: ProcessSnapshot,
  intervalMs: number,
): string[] {
  const earlier = new Map(before.threads.map((thread) => [thread.tid, thread]));
  const lines = after.threads.map((thread) => {
    const used = thread.cpuTicks - (earlier.get(thread.tid)?.cpuTicks ?? thread.cpuTicks);
    return (
      `thread ${thread.tid} ${thread.name}: ${thread.state}, syscall ${thread.syscall}, ` +
      `wchan ${thread.waitChannel}, +${used} CPU ticks in ${intervalMs} ms`
    );
  });
  if (after.threads.length === 0) lines.push('no threads found (the process is gone)');
  const vms = Object.entries(after.kvm);
  if (vms.length === 0) lines.push('no KVM counters (no VM of it in debugfs, or no debugfs)');
  for (const [vm, counters] of vms) {
    const grown = Object.entries(counters)
      .map(([name, value]) => ({ name, by: value - (before.kvm[vm]?.[name] ?? value) }))
      .filter((counter) => counter.by !== 0)
      .sort((a, b) => b.by - a.by || a.name.localeCompare(b.name))
      .map((counter) => `${counter.name} +${counter.by}`);
    const said = grown.length === 0 ? 'no counter changed' : grown.join(', ');
    lines.push(`kvm ${vm} in ${intervalMs} ms: ${said}`);
  }
  return lines;
}

/** Whether any of the process's VMs counted guest exits between two snapshots. */
function guestKeptExiting(before: ProcessSnapshot, after: ProcessSnapshot): boolean {
  return Object.entries(after.kvm).some(
    ([vm, counters]) => (counters['exits'] ?? 0) > (before.kvm[vm]?.['exits'] ?? Infinity),
  );
}

/**
 * Two snapshots of process `pid`, `intervalMs` apart, described by
 * {@link describeProcessSnapshots}: what a candidate that stopped making progress is doing.
 * When its guest kept exiting in between (a loop that never reaches the VMM), KVM's events of
 * a short window follow as `trace:` lines (see {@link captureKvmTrace}): the exits' reasons and
 * RIPs and what KVM did about them.
 */
export async function stallSnapshot(
  pid: number,
  intervalMs: number,
  roots: StallSnapshotRoots = LINUX_STALL_SNAPSHOT_ROOTS,
): Promise<string[]> {
  const before = readProcessSnapshot(pid, roots);
  await delay(intervalMs);
  const after = readProcessSnapshot(pid, roots);
  const lines = describeProcessSnapshots(before, after, intervalMs);
  if (!guestKeptExiting(before, after)) return lines;
  const trace = await captureKvmTrace(roots.tracing, TRACE_WINDOW_MS, TRACE_LINES_SHOWN);
  return [...lines, ...trace.map((line) => `trace: ${line}`)];
}
