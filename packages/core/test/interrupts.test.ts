import { describe, expect, it } from 'vitest';
import { interruptLine, type InterruptController } from '../src/index.js';

/**
 * An edge-triggered input as KVM's IOAPIC and PIC model one driven by userspace: one level for
 * every thread, an edge when a raise finds it low, a raise that finds it high merged into the
 * edge before. `edges` counts the edges.
 */
class EdgeTriggeredInput implements InterruptController {
  edges = 0;
  #high = false;

  setLevel(_line: number, asserted: boolean): void {
    if (asserted && !this.#high) this.edges++;
    this.#high = asserted;
  }
}

describe('interruptLine', () => {
  it('drives one line of the controller and pulses as lower, raise, lower', () => {
    const seen: string[] = [];
    const controller: InterruptController = {
      setLevel: (line, asserted) => seen.push(`${line}=${asserted ? 1 : 0}`),
    };
    const line = interruptLine(controller, 4);
    line.setLevel(true);
    line.pulse();
    expect(seen).toEqual(['4=1', '4=0', '4=1', '4=0']);
  });

  it("signals a new edge when it lands inside another thread's pulse of the same line", () => {
    const input = new EdgeTriggeredInput();
    const line = interruptLine(input, 4);
    // Another thread (a vCPU writing THR) has raised the line and not yet lowered it; the
    // guest, on another vCPU, may take that edge at once and find the receive FIFO empty.
    input.setLevel(4, true);
    expect(input.edges).toBe(1);
    // This thread queues a keystroke and pulses: the guest must take an edge after that.
    line.pulse();
    expect(input.edges).toBe(2);
    // The other thread's lowering comes late and changes nothing.
    input.setLevel(4, false);
    expect(input.edges).toBe(2);
  });

  it('gives one edge per pulse when pulses do not overlap', () => {
    const input = new EdgeTriggeredInput();
    const line = interruptLine(input, 4);
    line.pulse();
    line.pulse();
    expect(input.edges).toBe(2);
  });
});
