import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureKvmTrace,
  FLIGHT_RECORDER_EVENTS,
  GUEST_RAM_EVENTS,
  GUEST_RAM_INSTANCE,
  KvmFlightRecorder,
  parseTraceLine,
  STALL_TRACE_EVENTS,
} from '../src/kvm-trace-capture.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true });
});

const EXIT_LINE =
  '   node-812     [001] d..2.  1234.567890: kvm_exit: vcpu 0 reason npf rip 0xffffffff8a2b3c4d info1 0x100000004 info2 0xfee00300';
const EMULATE_LINE =
  '   node-812     [001] .....  1234.567901: kvm_emulate_insn: 0:ffffffff8a2b3c4d:89 06 (prot64) failed';

const FAULT_LINE =
  '   node-812     [001] .....  1234.567950: kvm_page_fault: vcpu 0 rip 0xffffffffc04c3dcc address 0x0000000038332ff8 error_code 0x20000000e';
const INJECT_LINE = '   node-812     [001] .....  1234.567990: kvm_inj_exception: #PF (0x10)';
const UNMAP_LINE =
  '   node-812     [000] .....  1235.000100: kvm_unmap_hva_range: mmu notifier unmap range: 0x7f5600000000 -- 0x7f5600200000';

/** Gives the ring at `ring` `tracing_on`, `trace` and enable and filter files for `events`. */
function fakeRing(ring: string, events: readonly string[]): void {
  mkdirSync(ring, { recursive: true });
  writeFileSync(join(ring, 'tracing_on'), '1\n');
  writeFileSync(join(ring, 'trace'), '# tracer: nop\n');
  for (const event of events) {
    mkdirSync(join(ring, 'events', event), { recursive: true });
    writeFileSync(join(ring, 'events', event, 'enable'), '0\n');
    writeFileSync(join(ring, 'events', event, 'filter'), 'none\n');
  }
}

/** A tracefs stand-in with a ring holding the given events (`<system>/<event>`). */
function fakeTracing(events: readonly string[]): string {
  const tracing = mkdtempSync(join(tmpdir(), 'kvm-trace-'));
  directories.push(tracing);
  fakeRing(tracing, events);
  return tracing;
}

describe('KVM trace capture', () => {
  it('keeps the event name and fields of a trace line', () => {
    expect(parseTraceLine(EXIT_LINE)?.seconds).toBe(1234.56789);
    expect(parseTraceLine(EXIT_LINE)?.text).toBe(
      'kvm_exit: vcpu 0 reason npf rip 0xffffffff8a2b3c4d info1 0x100000004 info2 0xfee00300',
    );
    expect(parseTraceLine('# tracer: nop')).toBeUndefined();
  });

  it('traces the events for its window, then switches tracing and the events off', async () => {
    const tracing = fakeTracing(STALL_TRACE_EVENTS);
    const enable = (event: string) =>
      readFileSync(join(tracing, 'events', event, 'enable'), 'latin1');
    const lines = await captureKvmTrace(tracing, 20, 1, async (windowMs) => {
      // The kernel's side: tracing is on, every event enabled, the ring cleared before.
      expect(windowMs).toBe(20);
      expect(readFileSync(join(tracing, 'tracing_on'), 'latin1')).toBe('1');
      expect(readFileSync(join(tracing, 'trace'), 'latin1')).toBe('');
      for (const event of STALL_TRACE_EVENTS) expect(enable(event)).toBe('1');
      writeFileSync(join(tracing, 'trace'), `# tracer: nop\n${EXIT_LINE}\n${EMULATE_LINE}\n`);
    });
    expect(lines).toEqual([
      '2 KVM events in 20 ms',
      'kvm_exit: vcpu 0 reason npf rip 0xffffffff8a2b3c4d info1 0x100000004 info2 0xfee00300',
    ]);
    expect(readFileSync(join(tracing, 'tracing_on'), 'latin1')).toBe('0');
    for (const event of STALL_TRACE_EVENTS) expect(enable(event)).toBe('0');
  });

  it('says why there is no trace', async () => {
    expect(await captureKvmTrace('/nonexistent/tracing', 1, 5)).toEqual([
      'no trace: cannot write /nonexistent/tracing/tracing_on',
    ]);
    const tracing = fakeTracing([]);
    expect(await captureKvmTrace(tracing, 1, 5)).toEqual([
      `no trace: no KVM events under ${join(tracing, 'events')}`,
    ]);
  });

  it('records page faults and injected exceptions while a guest runs, and returns the last', () => {
    const tracing = fakeTracing(STALL_TRACE_EVENTS);
    const read = (...path: string[]) => readFileSync(join(tracing, ...path), 'latin1');
    const recorder = KvmFlightRecorder.start(tracing);
    if (!(recorder instanceof KvmFlightRecorder)) throw new Error(recorder);
    expect(read('tracing_on')).toBe('1');
    expect(read('trace')).toBe('');
    for (const event of FLIGHT_RECORDER_EVENTS) expect(read('events', event, 'enable')).toBe('1');
    // Only the few events of page faults and injections: an exit's is not recorded.
    expect(read('events', 'kvm', 'kvm_exit', 'enable')).toBe('0\n');
    writeFileSync(join(tracing, 'trace'), `# tracer: nop\n${FAULT_LINE}\n${INJECT_LINE}\n`);
    expect(recorder.stop({ lastEvents: 1, memoryEvents: 5 })).toEqual([
      'events by kind: kvm_page_fault 1, kvm_inj_exception 1',
      'the last 1 page faults and injections:',
      'kvm_inj_exception: #PF (0x10)',
    ]);
    expect(read('tracing_on')).toBe('0');
    for (const event of FLIGHT_RECORDER_EVENTS) expect(read('events', event, 'enable')).toBe('0');
    expect(KvmFlightRecorder.start('/nonexistent/tracing')).toBe(
      'no trace: cannot write /nonexistent/tracing/tracing_on',
    );
  });

  it('keeps the events that took guest RAM away in a ring of their own', () => {
    const tracing = fakeTracing(STALL_TRACE_EVENTS);
    const instance = join(tracing, 'instances', GUEST_RAM_INSTANCE);
    fakeRing(instance, GUEST_RAM_EVENTS);
    const enable = (event: string) =>
      readFileSync(join(instance, 'events', event, 'enable'), 'latin1');
    const recorder = KvmFlightRecorder.start(tracing);
    if (!(recorder instanceof KvmFlightRecorder)) throw new Error(recorder);
    expect(readFileSync(join(instance, 'tracing_on'), 'latin1')).toBe('1');
    for (const event of GUEST_RAM_EVENTS) expect(enable(event)).toBe('1');
    writeFileSync(join(tracing, 'trace'), `${FAULT_LINE}\n`);
    const before = UNMAP_LINE.replace('1235.000100', '1234.000000');
    writeFileSync(join(instance, 'trace'), `# tracer: nop\n${before}\n${UNMAP_LINE}\n`);
    // After a stall the faults' ring holds the stall's own window: only the memory events.
    expect(recorder.stop({ lastEvents: 0, memoryEvents: 5 })).toEqual([
      'events by kind: kvm_page_fault 1, kvm_unmap_hva_range 2',
      'memory events once the guest ran: kvm_unmap_hva_range 1',
      'the first 5 memory events:',
      "-568 ms after the guest's start: kvm_unmap_hva_range: mmu notifier unmap range: 0x7f5600000000 -- 0x7f5600200000",
      "432 ms after the guest's start: kvm_unmap_hva_range: mmu notifier unmap range: 0x7f5600000000 -- 0x7f5600200000",
    ]);
    expect(readFileSync(join(instance, 'tracing_on'), 'latin1')).toBe('0');
    for (const event of GUEST_RAM_EVENTS) expect(enable(event)).toBe('0');
  });
});
