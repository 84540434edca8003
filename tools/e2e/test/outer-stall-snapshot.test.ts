import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeStallSnapshot,
  innerEmulationLoop,
  readStallSnapshot,
  renderStallSnapshotScript,
  type VmCounterGrowth,
} from '../src/index.js';

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the snapshot script over `debugfs`, calling `meanwhile` while it sleeps; its stdout. */
async function runSnapshotScript(debugfs: string, meanwhile: () => void): Promise<string> {
  const child = spawn('sh', ['-c', renderStallSnapshotScript()], {
    env: { ...process.env, E2E_KVM_DEBUGFS: debugfs },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await delay(400);
  meanwhile();
  expect(await exited).toBe(0);
  return output;
}

/** Two rounds of snapshot lines for VM `vm`: each counter at 1000, then grown by `growth`. */
function snapshotLog(vm: string, growth: Record<string, number>): string {
  const round = (index: number) =>
    Object.entries(growth)
      .map(([name, by]) => `E2E-STALL ${index} ${vm} ${name} ${1000 + index * by}\r\n`)
      .join('');
  return `[   61.0] kvm: some line\r\n${round(0)}[   61.5] between\r\n${round(1)}`;
}

describe('renderStallSnapshotScript', () => {
  it('writes every counter of every VM twice, a second apart, and the growth reads back', async () => {
    const debugfs = mkdtempSync(join(tmpdir(), 'vmm-e2e-kvm-debugfs-'));
    scratch.push(debugfs);
    const vm = join(debugfs, '4242-12');
    mkdirSync(join(vm, 'vcpu0'), { recursive: true });
    writeFileSync(join(vm, 'exits'), '500\n');
    writeFileSync(join(vm, 'pf_guest'), '7\n');
    writeFileSync(join(debugfs, 'not-a-vm'), '1\n');
    const output = await runSnapshotScript(debugfs, () =>
      writeFileSync(join(vm, 'exits'), '2600\n'),
    );
    expect(output.split('\n').filter((line) => line !== '')).toEqual([
      'E2E-STALL 0 4242-12 exits 500',
      'E2E-STALL 0 4242-12 pf_guest 7',
      'E2E-STALL 1 4242-12 exits 2600',
      'E2E-STALL 1 4242-12 pf_guest 7',
    ]);
    expect(readStallSnapshot(output)).toEqual([
      { vm: '4242-12', growth: { exits: 2100, pf_guest: 0 } },
    ]);
  });

  it('writes nothing when there is no VM', async () => {
    const debugfs = mkdtempSync(join(tmpdir(), 'vmm-e2e-kvm-debugfs-'));
    scratch.push(debugfs);
    expect(await runSnapshotScript(debugfs, () => undefined)).toBe('');
  });
});

describe('readStallSnapshot', () => {
  it('reads the growth of each VM past the kernel lines between the rounds', () => {
    const log =
      snapshotLog('10-3', { exits: 5, halt_exits: 4 }) + snapshotLog('11-4', { exits: 9 });
    expect(readStallSnapshot(log)).toEqual([
      { vm: '10-3', growth: { exits: 5, halt_exits: 4 } },
      { vm: '11-4', growth: { exits: 9 } },
    ]);
  });

  it('has no snapshot without a log, or with only its first round', () => {
    expect(readStallSnapshot(null)).toBeNull();
    expect(readStallSnapshot('[    0.0] Linux version\n')).toBeNull();
    expect(readStallSnapshot('E2E-STALL 0 10-3 exits 5\n')).toBeNull();
  });
});

describe('innerEmulationLoop', () => {
  it("names the VM whose guest faults on emulated instructions forever (the test bed's fault)", () => {
    const looping = { exits: 42175, insn_emulation: 40651, pf_guest: 39959, io_exits: 3 };
    expect(innerEmulationLoop(readStallSnapshot(snapshotLog('109-23', looping)))).toBe(
      'VM 109-23: exits +42175, insn_emulation +40651, pf_guest +39959 in a second',
    );
  });

  it('does not take a waiting, a printing or an MMIO-heavy guest for it', () => {
    const cases: Record<string, number>[] = [
      { exits: 260, halt_exits: 250 },
      { exits: 9000, io_exits: 8900 },
      { exits: 9000, insn_emulation: 8800, pf_guest: 12 },
      { exits: 900, insn_emulation: 900, pf_guest: 900 },
    ];
    for (const growth of cases) {
      expect(innerEmulationLoop(readStallSnapshot(snapshotLog('1-2', growth)))).toBeNull();
    }
    expect(innerEmulationLoop(null)).toBeNull();
  });
});

describe('describeStallSnapshot', () => {
  it('names the grown counters of each VM, the most grown first, or that none grew', () => {
    const snapshot: VmCounterGrowth[] = [
      { vm: '5-6', growth: { a: 1, b: 30, c: 0, d: 2, e: 5, f: 9, g: 4, h: 3 } },
      { vm: '7-8', growth: { exits: 0 } },
    ];
    expect(describeStallSnapshot(snapshot)).toEqual([
      'KVM counters of VM 5-6 over a second, 3 s before the deadline: ' +
        'b +30, f +9, e +5, g +4, h +3, d +2',
      'KVM counters of VM 7-8 over a second, 3 s before the deadline: no counter grew',
    ]);
  });
});
