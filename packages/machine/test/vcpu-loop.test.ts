import { describe, expect, it } from 'vitest';
import { MmioBus, PioBus, type BusDevice, type Vcpu, type VmExit } from '@vmm/core';
import { describeOutcome, runVcpu, type VmOutcome } from '../src/index.js';

/** A vCPU that replays scripted exits and records what the VMM left in `data` for reads. */
class ScriptedVcpu implements Vcpu {
  readonly id = 0;
  readonly kickHandle = {};
  readonly answered: number[][] = [];
  #last: VmExit | undefined;
  constructor(readonly exits: VmExit[]) {}
  setBootState(): void {}
  run(): VmExit {
    if (this.#last?.kind === 'io' || this.#last?.kind === 'mmio') {
      this.answered.push([...this.#last.data]);
    }
    const next = this.exits.shift();
    if (next === undefined) throw new Error('script ran out');
    this.#last = next;
    return next;
  }
  describeRegisters(): string {
    return 'rip=0x1000';
  }
  close(): void {}
}

class Echo implements BusDevice {
  readonly writes: string[] = [];
  read(offset: number, data: Uint8Array): void {
    data.fill(0x40 + offset);
  }
  write(offset: number, data: Uint8Array): void {
    this.writes.push(`${offset}:${[...data].join(',')}`);
  }
}

function io(direction: 'in' | 'out', port: number, bytes: number[], size: 1 | 2 | 4 = 1): VmExit {
  return {
    kind: 'io',
    direction,
    port,
    size,
    count: bytes.length / size,
    data: Uint8Array.from(bytes),
  };
}

function run(exits: VmExit[], pending: () => VmOutcome | undefined = () => undefined) {
  const pio = new PioBus();
  const mmio = new MmioBus();
  const device = new Echo();
  pio.register(0x3f8, 8, device, 'echo');
  mmio.register(0xd000_0000n, 0x1000n, device, 'echo');
  const vcpu = new ScriptedVcpu(exits);
  const outcome = runVcpu(vcpu, { pio, mmio, pendingOutcome: pending });
  return { outcome, device, vcpu };
}

describe('runVcpu', () => {
  it('tells exitHandled of every handled exit but kicks and the last one', () => {
    const pio = new PioBus();
    let handled = 0;
    const vcpu = new ScriptedVcpu([
      io('out', 0x3f8, [0x41]),
      { kind: 'interrupted' },
      io('in', 0x3fd, [0]),
      { kind: 'hlt' },
    ]);
    runVcpu(vcpu, {
      pio,
      mmio: new MmioBus(),
      pendingOutcome: () => undefined,
      exitHandled: () => handled++,
    });
    expect(handled).toBe(2);
  });

  it('dispatches port and MMIO accesses, answering unclaimed reads with all ones', () => {
    const { outcome, device, vcpu } = run([
      io('out', 0x3f8, [0x41]),
      io('in', 0x3fd, [0]),
      io('in', 0x80, [0, 0], 2),
      io('out', 0x3f8, [1, 2, 3]),
      { kind: 'mmio', isWrite: true, address: 0xd000_0010n, data: Uint8Array.of(9, 9, 9, 9) },
      { kind: 'mmio', isWrite: false, address: 0xe000_0000n, data: new Uint8Array(4) },
      { kind: 'interrupted' },
      { kind: 'hlt' },
    ]);
    expect(device.writes).toEqual(['0:65', '0:1', '0:2', '0:3', '16:9,9,9,9']);
    expect(vcpu.answered).toEqual([
      [0x41],
      [0x45],
      [0xff, 0xff],
      [1, 2, 3],
      [9, 9, 9, 9],
      [0xff, 0xff, 0xff, 0xff],
    ]);
    expect(outcome).toEqual({ kind: 'halted', vcpu: 0, registers: 'rip=0x1000' });
  });

  it('hands a string out to a device that takes runs of writes as one run', () => {
    const pio = new PioBus();
    const runs: string[] = [];
    pio.register(
      0x3f8,
      8,
      {
        read: () => undefined,
        write: (offset, data) => runs.push(`single ${offset}:${[...data].join(',')}`),
        writeRepeated: (offset, size, data) => {
          runs.push(`run ${offset}/${size}:${[...data].join(',')}`);
          return true;
        },
      },
      'uart',
    );
    const vcpu = new ScriptedVcpu([
      io('out', 0x3f8, [0x41]),
      io('out', 0x3f8, [1, 2, 3]),
      { kind: 'hlt' },
    ]);
    runVcpu(vcpu, { pio, mmio: new MmioBus(), pendingOutcome: () => undefined });
    expect(runs).toEqual(['single 0:65', 'run 0/1:1,2,3']);
  });

  it('maps each terminal exit to its own outcome', () => {
    expect(run([{ kind: 'shutdown' }]).outcome.kind).toBe('triple-fault');
    expect(run([{ kind: 'system-event', event: 'power-off' }]).outcome.kind).toBe('power-off');
    expect(run([{ kind: 'system-event', event: 'reset' }]).outcome.kind).toBe('reboot');
    expect(run([{ kind: 'system-event', event: 'crash' }]).outcome.kind).toBe('guest-crash');
    expect(run([{ kind: 'fail-entry', hardwareReason: 0x21n }]).outcome.kind).toBe('fail-entry');
    expect(run([{ kind: 'unknown', reason: 99, name: 'KVM_EXIT_99' }]).outcome.kind).toBe(
      'unknown-exit',
    );
    const failed = run([
      {
        kind: 'internal-error',
        suberror: 1,
        description: 'emulation failure',
        data: [0x1n, 0xf0c70fn],
      },
    ]).outcome;
    expect(describeOutcome(failed)).toBe(
      'the hypervisor could not continue the guest on vCPU 0: emulation failure (internal error 1, data 0x1 0xf0c70f) at rip=0x1000',
    );
    const withBytes = run([
      {
        kind: 'internal-error',
        suberror: 1,
        description: 'emulation failure',
        data: [0x1n, 0xc70f48f005n, 0x0en],
        instructionBytes: Uint8Array.of(0xf0, 0x48, 0x0f, 0xc7, 0x0e),
      },
    ]).outcome;
    expect(describeOutcome(withBytes)).toBe(
      'the hypervisor could not continue the guest on vCPU 0: emulation failure (internal error 1, data 0x1 0xc70f48f005 0xe; code bytes f0 48 0f c7 0e) at rip=0x1000',
    );
  });

  it('stops after the exit during which an outcome became pending', () => {
    let reset = false;
    const { outcome, vcpu } = run(
      [io('out', 0x3f8, [1]), { kind: 'interrupted' }, { kind: 'hlt' }],
      () => {
        const was = reset;
        reset = true;
        return was ? { kind: 'reboot' } : undefined;
      },
    );
    expect(outcome).toEqual({ kind: 'reboot' });
    expect(vcpu.exits.length).toBe(1);
  });
});
