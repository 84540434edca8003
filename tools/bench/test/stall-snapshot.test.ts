import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeProcessSnapshots,
  readProcessSnapshot,
  stallSnapshot,
  type StallSnapshotRoots,
} from '../src/stall-snapshot.js';

const roots: StallSnapshotRoots[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(join(root.proc, '..'), { recursive: true });
});

/** A `stat` line with the given name, state and user/system ticks (other fields zero). */
function statLine(tid: number, name: string, state: string, utime: number, stime: number): string {
  const zeros = (count: number) => Array.from({ length: count }, () => '0');
  return [`${tid}`, `(${name})`, state, ...zeros(10), `${utime}`, `${stime}`, ...zeros(37)].join(
    ' ',
  );
}

interface FakeThread {
  tid: number;
  name: string;
  state: string;
  utime: number;
  syscall?: string;
  wchan?: string;
}

function fakeRoots(pid: number, threads: FakeThread[], kvm: Record<string, number> = {}) {
  const base = mkdtempSync(join(tmpdir(), 'stall-snapshot-'));
  const root = {
    proc: join(base, 'proc'),
    kvmDebugfs: join(base, 'kvm'),
    tracing: join(base, 'tracing'),
  };
  roots.push(root);
  const write = (threadsNow: FakeThread[], counters: Record<string, number>) => {
    for (const thread of threadsNow) {
      const directory = join(root.proc, String(pid), 'task', String(thread.tid));
      mkdirSync(directory, { recursive: true });
      writeFileSync(
        join(directory, 'stat'),
        `${statLine(thread.tid, thread.name, thread.state, thread.utime, 1)}\n`,
      );
      if (thread.syscall !== undefined) {
        writeFileSync(join(directory, 'syscall'), `${thread.syscall}\n`);
      }
      writeFileSync(join(directory, 'wchan'), thread.wchan ?? '0');
    }
    const vm = join(root.kvmDebugfs, `${pid}-12`);
    mkdirSync(vm, { recursive: true });
    for (const [name, value] of Object.entries(counters)) {
      writeFileSync(join(vm, name), `${value}\n`);
    }
  };
  write(threads, kvm);
  return { root, write };
}

describe('stall snapshots', () => {
  it("reads each thread's state, system call, wait channel and CPU ticks, and KVM's counters", () => {
    const { root } = fakeRoots(
      40,
      [
        {
          tid: 40,
          name: 'node',
          state: 'S',
          utime: 50,
          syscall: '7 0x5 0x1 0xffffffff',
          wchan: 'do_poll',
        },
        {
          tid: 44,
          name: 'node (vcpu) x',
          state: 'R',
          utime: 900,
          syscall: '16 0x12 0xae80 0x0 0x0 0x0 0x0 0x7ffc 0x4a',
        },
      ],
      { exits: 1000, io_exits: 600 },
    );
    const snapshot = readProcessSnapshot(40, root);
    expect(snapshot.threads).toEqual([
      {
        tid: 40,
        name: 'node',
        state: 'S',
        cpuTicks: 51,
        syscall: '7 0x5 0x1 0xffffffff',
        waitChannel: 'do_poll',
      },
      {
        tid: 44,
        name: 'node (vcpu) x',
        state: 'R',
        cpuTicks: 901,
        syscall: '16 0x12 0xae80 0x0',
        waitChannel: '?',
      },
    ]);
    expect(snapshot.kvm).toEqual({ '40-12': { exits: 1000, io_exits: 600 } });
    mkdirSync(join(root.kvmDebugfs, '40-12', 'vcpu0'));
    writeFileSync(join(root.kvmDebugfs, '40-12', 'mode'), 'not a number\n');
    expect(readProcessSnapshot(40, root).kvm).toEqual({ '40-12': { exits: 1000, io_exits: 600 } });
    // A VM that cannot be listed (gone, or not a directory) has no counters, and no error.
    writeFileSync(join(root.kvmDebugfs, '40-13'), '');
    expect(readProcessSnapshot(40, root).kvm['40-13']).toEqual({});
  });

  it('describes what each thread and VM counter did between two snapshots', () => {
    const vcpu = { tid: 44, name: 'node', state: 'R', syscall: '16 0x12 0xae80 0x0' };
    const counters = { exits: 1000, io_exits: 600, pf_fixed: 7, insn_emulation: 2 };
    const { root, write } = fakeRoots(40, [{ ...vcpu, utime: 900 }], counters);
    const before = readProcessSnapshot(40, root);
    write([{ ...vcpu, utime: 990 }], { ...counters, exits: 39_000, pf_fixed: 38_007 });
    const after = readProcessSnapshot(40, root);
    expect(describeProcessSnapshots(before, after, 1000)).toEqual([
      'thread 44 node: R, syscall 16 0x12 0xae80 0x0, wchan ?, +90 CPU ticks in 1000 ms',
      'kvm 40-12 in 1000 ms: exits +38000, pf_fixed +38000',
    ]);
    expect(describeProcessSnapshots(after, after, 1000).at(-1)).toBe(
      'kvm 40-12 in 1000 ms: no counter changed',
    );
  });

  it('says when the process is gone and there are no KVM counters', async () => {
    const missing = {
      proc: '/nonexistent/proc',
      kvmDebugfs: '/nonexistent/kvm',
      tracing: '/nonexistent/tracing',
    };
    expect(await stallSnapshot(12345, 1, missing)).toEqual([
      'no threads found (the process is gone)',
      'no KVM counters (no VM of it in debugfs, or no debugfs)',
    ]);
  });

  it("traces KVM's events when the guest kept exiting in the interval, and only then", async () => {
    const vcpu = { tid: 44, name: 'node', state: 'R', utime: 900 };
    const { root, write } = fakeRoots(40, [vcpu], { exits: 1000 });
    const idle = await stallSnapshot(40, 1, root);
    expect(idle.some((line) => line.startsWith('trace: '))).toBe(false);
    setTimeout(() => write([vcpu], { exits: 2000 }), 5);
    const looping = await stallSnapshot(40, 50, root);
    expect(looping.at(-2)).toBe('kvm 40-12 in 50 ms: exits +1000');
    expect(looping.at(-1)).toBe(
      `trace: no trace: cannot write ${join(root.tracing, 'tracing_on')}`,
    );
  });
});
