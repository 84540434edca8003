import type { IoExit, MmioBus, MmioExit, PioBus, Vcpu } from '@vmm/core';
import type { VmOutcome } from './vm-outcome.js';

/** What the exit loop of one vCPU dispatches to and asks whether to go on. */
export interface VcpuLoopContext {
  /** Port I/O devices. */
  readonly pio: PioBus;
  /** Memory-mapped devices. */
  readonly mmio: MmioBus;
  /**
   * An outcome decided outside the exit itself (a device asked for reset, the host asked to
   * stop), checked after every exit; `undefined` to keep running.
   */
  pendingOutcome(): VmOutcome | undefined;
  /** Told of every exit other than `interrupted` once it is handled, if given. */
  readonly exitHandled?: (() => void) | undefined;
}

/**
 * Runs `vcpu` until the VM ends, handling I/O exits inline on this thread (no thread hop on
 * the hot path) and returning how the VM ended. Unclaimed ports and addresses answer like
 * empty buses do: reads return all ones, writes are dropped.
 */
export function runVcpu(vcpu: Vcpu, context: VcpuLoopContext): VmOutcome {
  for (;;) {
    const exit = vcpu.run();
    switch (exit.kind) {
      case 'io':
        dispatchIo(context.pio, exit);
        break;
      case 'mmio':
        dispatchMmio(context.mmio, exit);
        break;
      case 'interrupted':
        break;
      case 'hlt':
        return { kind: 'halted', vcpu: vcpu.id, registers: vcpu.describeRegisters() };
      case 'shutdown':
        return { kind: 'triple-fault', vcpu: vcpu.id, registers: vcpu.describeRegisters() };
      case 'system-event':
        if (exit.event === 'power-off') return { kind: 'power-off' };
        if (exit.event === 'reset') return { kind: 'reboot' };
        return { kind: 'guest-crash', vcpu: vcpu.id };
      case 'internal-error':
        return {
          kind: 'internal-error',
          vcpu: vcpu.id,
          suberror: exit.suberror,
          description: exit.description,
          data: exit.data,
          ...(exit.instructionBytes === undefined
            ? {}
            : { instructionBytes: [...exit.instructionBytes] }),
          registers: vcpu.describeRegisters(),
        };
      case 'fail-entry':
        return {
          kind: 'fail-entry',
          vcpu: vcpu.id,
          hardwareReason: exit.hardwareReason,
          registers: vcpu.describeRegisters(),
        };
      case 'unknown':
        return {
          kind: 'unknown-exit',
          vcpu: vcpu.id,
          reason: exit.reason,
          name: exit.name,
          registers: vcpu.describeRegisters(),
        };
    }
    if (exit.kind !== 'interrupted') context.exitHandled?.();
    const outcome = context.pendingOutcome();
    if (outcome !== undefined) return outcome;
  }
}

function dispatchIo(bus: PioBus, exit: IoExit): void {
  const { port, size, data } = exit;
  if (exit.count === 1) {
    accessPort(bus, exit.direction, port, data);
    return;
  }
  if (exit.direction === 'out') {
    bus.writeRepeated(port, size, data);
    return;
  }
  for (let offset = 0; offset < data.length; offset += size) {
    accessPort(bus, 'in', port, data.subarray(offset, offset + size));
  }
}

function accessPort(bus: PioBus, direction: 'in' | 'out', port: number, data: Uint8Array): void {
  if (direction === 'out') bus.write(port, data);
  else if (!bus.read(port, data)) data.fill(0xff);
}

function dispatchMmio(bus: MmioBus, exit: MmioExit): void {
  if (exit.isWrite) bus.write(exit.address, exit.data);
  else if (!bus.read(exit.address, exit.data)) exit.data.fill(0xff);
}
