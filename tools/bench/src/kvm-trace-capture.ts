import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * KVM's trace events that say what a guest looping inside `KVM_RUN` does: why it exits (with
 * its RIP), which instruction KVM emulates for it (with the bytes), which page faults KVM
 * handles and which exceptions it injects back.
 */
export const STALL_TRACE_EVENTS = [
  'kvm/kvm_exit',
  'kvm/kvm_emulate_insn',
  'kvm/kvm_page_fault',
  'kvm/kvm_inj_exception',
] as const;

/** Per-CPU ring size asked for while tracing: a busy loop fills ~100 KiB in a 20 ms window. */
const BUFFER_SIZE_KIB = 1024;

/**
 * What a flight recording keeps of KVM's events while a guest boots: the nested page faults
 * KVM handles and the exceptions it injects, a few hundred a boot. Exits and emulated
 * instructions are left out: tracing each of the tens of thousands slowed the guests enough that
 * a 12-round hunt that had failed 3 of 12 vmm boots failed none.
 */
export const FLIGHT_RECORDER_EVENTS = ['kvm/kvm_page_fault', 'kvm/kvm_inj_exception'] as const;

/** How a capture waits for its window: a timer, or in tests a stand-in for the kernel. */
export type TraceWindow = (windowMs: number) => Promise<unknown>;

/** Writes `text` to a tracefs control file; false when it does not exist or refuses. */
function control(path: string, text: string): boolean {
  try {
    writeFileSync(path, text);
    return true;
  } catch {
    return false;
  }
}

/** One event of a tracefs ring: when it happened (the ring's clock) and what it says. */
export interface TraceEvent {
  /** Its timestamp, in seconds. */
  readonly seconds: number;
  /**
   * The event's name and fields, `<event>: <fields>`: the task, CPU and flags in front are the
   * same for every line of one looping vCPU thread, and are left out.
   */
  readonly text: string;
}

/** One event line of a tracefs `trace` file, parsed; `undefined` for a comment or other line. */
export function parseTraceLine(line: string): TraceEvent | undefined {
  const event = /^\s*\S.*?\s(\d+\.\d+): (\w+: .*)$/.exec(line);
  return event === null ? undefined : { seconds: Number(event[1]), text: event[2]! };
}

/**
 * Switches tracing off in tracefs at `tracing`, empties its ring and enables `events` there:
 * the enable files that took, or a line saying why tracing cannot go on (no tracefs there, or
 * none of the events in it: a kernel built without KVM's tracepoints).
 */
function armTracing(tracing: string, events: readonly string[]): string[] | string {
  const on = join(tracing, 'tracing_on');
  if (!control(on, '0')) return `no trace: cannot write ${on}`;
  const enabled = armRing(tracing, events);
  return enabled.length > 0 ? enabled : `no trace: no KVM events under ${join(tracing, 'events')}`;
}

/**
 * Traces {@link STALL_TRACE_EVENTS} for `windowMs` through the tracefs directory `tracing`
 * (`/sys/kernel/debug/tracing` once debugfs is mounted) and returns how many event lines the
 * window held, then the `text` of the first `firstLines` of them ({@link parseTraceLine}).
 * Tracing is left off and the events disabled afterwards. Returns one line saying why when
 * `tracing` is not there or has none of the events (a kernel built without KVM's tracepoints).
 */
export async function captureKvmTrace(
  tracing: string,
  windowMs: number,
  firstLines: number,
  wait: TraceWindow = delay,
): Promise<string[]> {
  const enabled = armTracing(tracing, STALL_TRACE_EVENTS);
  if (typeof enabled === 'string') return [enabled];
  const on = join(tracing, 'tracing_on');
  control(on, '1');
  try {
    await wait(windowMs);
  } finally {
    control(on, '0');
    for (const enable of enabled) control(enable, '0');
  }
  const events = readEvents(tracing);
  if (events === undefined) return [`no trace: cannot read ${join(tracing, 'trace')}`];
  return [
    `${events.length} KVM events in ${windowMs} ms`,
    ...events.slice(0, firstLines).map((event) => event.text),
  ];
}

/** The events of the ring at `ring`, in order, or `undefined` when it cannot be read. */
function readEvents(ring: string): TraceEvent[] | undefined {
  try {
    return readFileSync(join(ring, 'trace'), 'latin1')
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .map(parseTraceLine)
      .filter((event) => event !== undefined);
  } catch {
    return undefined;
  }
}

/**
 * Events of the host's memory management around a running guest: every change to the VMM
 * process's address space that KVM's MMU notifier hears of (`kvm_unmap_hva_range`, whether or
 * not it touches guest RAM: each one also makes the kernel shoot down the TLB of the CPU that
 * runs the vCPU), the notifier changing one page's mapping (`kvm_set_spte_hva`: copy-on-write,
 * KSM), and page migrations by cause. (KVM's `kvm_tdp_mmu_spte_changed`, which would show guest
 * mappings dropped, was tried too: the first outer host that traced it hung for good.)
 */
export const GUEST_RAM_EVENTS = [
  'kvm/kvm_unmap_hva_range',
  'kvm/kvm_set_spte_hva',
  'migrate/mm_migrate_pages',
] as const;

/** The tracefs instance (a ring of its own) that {@link KvmFlightRecorder} keeps them in. */
export const GUEST_RAM_INSTANCE = 'vmm-guest-ram';

/** `events` counted by event name: `kvm_page_fault 250, ...`, or `none`. */
function countByKind(events: readonly TraceEvent[]): string {
  const counts = new Map<string, number>();
  for (const { text } of events) {
    const kind = text.slice(0, text.indexOf(':'));
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  if (counts.size === 0) return 'none';
  return [...counts].map(([kind, count]) => `${kind} ${count}`).join(', ');
}

/**
 * Switches tracing off in the ring at `ring` (tracefs or one of its instances), empties it and
 * enables `events` (`<system>/<event>` paths); the enable files that took.
 */
function armRing(ring: string, events: readonly string[]): string[] {
  control(join(ring, 'tracing_on'), '0');
  control(join(ring, 'buffer_size_kb'), String(BUFFER_SIZE_KIB));
  control(join(ring, 'trace'), '');
  return events
    .map((event) => join(ring, 'events', event, 'enable'))
    .filter((enable) => control(enable, '1'));
}

/**
 * A trace kept running while a guest boots, in two rings: {@link FLIGHT_RECORDER_EVENTS} in
 * tracefs's own, so that when the guest dies (a triple fault) its last lines are the page
 * faults and injected exceptions that led there; and {@link GUEST_RAM_EVENTS} in the instance
 * {@link GUEST_RAM_INSTANCE}, which a looping guest cannot overwrite.
 */
export class KvmFlightRecorder {
  private constructor(
    private readonly tracing: string,
    private readonly enables: readonly string[],
    private readonly guestRamEnables: readonly string[],
  ) {}

  /**
   * Starts recording through the tracefs directory `tracing`, from empty rings; a string
   * saying why when it cannot (no tracefs there, or no KVM events in it).
   */
  static start(tracing: string): KvmFlightRecorder | string {
    const enables = armTracing(tracing, FLIGHT_RECORDER_EVENTS);
    if (typeof enables === 'string') return enables;
    const instance = join(tracing, 'instances', GUEST_RAM_INSTANCE);
    try {
      mkdirSync(instance, { recursive: true });
    } catch {
      // Without instances the recording goes on with the faults' ring alone.
    }
    const guestRamEnables = armRing(instance, GUEST_RAM_EVENTS);
    control(join(instance, 'tracing_on'), '1');
    control(join(tracing, 'tracing_on'), '1');
    return new KvmFlightRecorder(tracing, enables, guestRamEnables);
  }

  /**
   * Stops recording and disables the events; returns a line counting the recorded events by
   * kind, then (for a failed run) the last `detail.lastEvents` page faults and injections and
   * the first `detail.memoryEvents` events of the host's memory management, shortened.
   */
  stop(detail: { lastEvents: number; memoryEvents: number }): string[] {
    const instance = join(this.tracing, 'instances', GUEST_RAM_INSTANCE);
    control(join(this.tracing, 'tracing_on'), '0');
    control(join(instance, 'tracing_on'), '0');
    for (const enable of [...this.enables, ...this.guestRamEnables]) control(enable, '0');
    const faults = readEvents(this.tracing);
    if (faults === undefined) return [`no trace: cannot read ${join(this.tracing, 'trace')}`];
    const memory = this.guestRamEnables.length > 0 ? (readEvents(instance) ?? []) : [];
    const lines = [`events by kind: ${countByKind([...faults, ...memory])}`];
    // Guest RAM is first touched by the guest's first instruction: its first nested page fault.
    const guestStart = faults.find((event) => event.text.startsWith('kvm_page_fault:'))?.seconds;
    if (guestStart !== undefined && memory.length > 0) {
      const whileRunning = memory.filter((event) => event.seconds >= guestStart);
      lines.push(`memory events once the guest ran: ${countByKind(whileRunning)}`);
    }
    if (detail.lastEvents > 0) {
      lines.push(`the last ${detail.lastEvents} page faults and injections:`);
      lines.push(...faults.slice(-detail.lastEvents).map((event) => event.text));
    }
    if (detail.memoryEvents > 0 && memory.length > 0) {
      const since = (event: TraceEvent): string =>
        guestStart === undefined
          ? ''
          : `${Math.round((event.seconds - guestStart) * 1000)} ms after the guest's start: `;
      lines.push(`the first ${detail.memoryEvents} memory events:`);
      lines.push(...memory.slice(0, detail.memoryEvents).map((event) => since(event) + event.text));
    }
    return lines;
  }
}
