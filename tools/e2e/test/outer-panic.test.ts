import { describe, expect, it } from 'vitest';
import { OUTER_RESET_LINE, describeOuterFault, detectOuterKernelFault } from '../src/index.js';

const PANIC = '[   41.2] Kernel panic - not syncing: corrupted stack end detected inside scheduler';
const INNER_PANIC = '[    2.0] Kernel panic - not syncing: VFS: Unable to mount root fs';

describe('detectOuterKernelFault with a kernel log port', () => {
  it('finds the emulator-bug panic in the kernel log', () => {
    const fault = detectOuterKernelFault({
      kernelLog: `[    0.0] Linux version\r\n${PANIC}\r\n[   41.2] Kernel Offset: disabled\r\n`,
      console: 'E2E-OUTER-INIT\n',
      qemuExitedByItself: true,
    });
    expect(fault).toEqual({ kind: 'panic', line: PANIC, source: 'kernel-log' });
  });

  it('reports an oops when there is no panic', () => {
    const line = '[   12.0] BUG: kernel NULL pointer dereference, address: 0000000000000008';
    expect(
      detectOuterKernelFault({ kernelLog: `${line}\n`, console: '', qemuExitedByItself: false }),
    ).toEqual({ kind: 'oops', line, source: 'kernel-log' });
  });

  it("reports the outer kernel's RCU stall as a freeze", () => {
    const line = '[   31.8] rcu: INFO: rcu_preempt self-detected stall on CPU';
    const kernelLog = `[    7.7] kvm [98]: vcpu0, guest rIP: 0xffffffffaf073744\n${line}\n`;
    const fault = detectOuterKernelFault({ kernelLog, console: '', qemuExitedByItself: false });
    expect(fault).toEqual({ kind: 'freeze', line, source: 'kernel-log' });
    expect(describeOuterFault(fault!)).toBe(`the outer host stopped responding ("${line}")`);
  });

  it('ignores RCU stalls of the inner guest on the console', () => {
    const console = `E2E-OUTER-READY\nE2E-VMM-BEGIN\n[   20.0] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:\nE2E-VMM-EXIT=0\n`;
    expect(
      detectOuterKernelFault({ kernelLog: null, console, qemuExitedByItself: false }),
    ).toBeNull();
  });

  it('ignores panics of the inner guest on the console', () => {
    const console = `E2E-OUTER-READY\nE2E-VMM-BEGIN\n${INNER_PANIC}\n`;
    expect(
      detectOuterKernelFault({ kernelLog: '', console, qemuExitedByItself: false }),
    ).toBeNull();
  });

  it('tells a silent reset of the outer host while the command ran', () => {
    const console = `E2E-OUTER-READY\nE2E-VMM-BEGIN\n[    0.0] Linux version\n`;
    expect(detectOuterKernelFault({ kernelLog: '', console, qemuExitedByItself: true })).toEqual({
      kind: 'reset',
      line: OUTER_RESET_LINE,
      source: 'qemu',
    });
  });

  it('sees no reset when the command ended, or when the harness stopped QEMU', () => {
    const ended = `E2E-VMM-BEGIN\nok\nE2E-VMM-EXIT=0\n`;
    expect(
      detectOuterKernelFault({ kernelLog: '', console: ended, qemuExitedByItself: true }),
    ).toBeNull();
    const open = `E2E-VMM-BEGIN\nok\n`;
    expect(
      detectOuterKernelFault({ kernelLog: '', console: open, qemuExitedByItself: false }),
    ).toBeNull();
  });
});

describe('detectOuterKernelFault with a shared console', () => {
  it('counts a panic before vmm started', () => {
    const console = `E2E-OUTER-INIT\n${PANIC}\n`;
    expect(detectOuterKernelFault({ kernelLog: null, console, qemuExitedByItself: true })).toEqual({
      kind: 'panic',
      line: PANIC,
      source: 'console',
    });
  });

  it('counts a panic after vmm exited', () => {
    const console = `E2E-VMM-BEGIN\nok\nE2E-VMM-EXIT=0\n${PANIC}\n`;
    expect(
      detectOuterKernelFault({ kernelLog: null, console, qemuExitedByItself: true })?.line,
    ).toBe(PANIC);
  });

  it('ignores an inner panic inside a closed span', () => {
    const console = `E2E-VMM-BEGIN\n${INNER_PANIC}\nE2E-VMM-EXIT=3\n`;
    expect(
      detectOuterKernelFault({ kernelLog: null, console, qemuExitedByItself: true }),
    ).toBeNull();
  });

  it('blames the outer kernel for a panic in an open span only when QEMU ended by itself', () => {
    const console = `E2E-VMM-BEGIN\n${PANIC}\n`;
    expect(detectOuterKernelFault({ kernelLog: null, console, qemuExitedByItself: true })).toEqual({
      kind: 'panic',
      line: PANIC,
      source: 'console',
    });
    expect(
      detectOuterKernelFault({ kernelLog: null, console, qemuExitedByItself: false }),
    ).toBeNull();
  });
});
