import { describe, expect, it } from 'vitest';
import { MmioBus, PioBus, aarch64Layout } from '@vmm/core';
import { Pl011, Pl011SharedState } from '@vmm/devices';
import { runVcpu } from '@vmm/machine';
import { HvExitReason, HvReg, HvSysReg, CntvCtl, PsciFunction, hvRegX } from '../src/index.js';
import { ENTRY, exceptionStep, fakeVm, psciStep } from './fake-vm.js';
import { dataAbort } from './syndromes.js';

describe('a scripted guest through runVcpu and the real MmioBus', () => {
  it('prints through the PL011, survives a timer tick, reads its flag register and powers off', () => {
    const { vcpu, fake } = fakeVm();
    const output: number[] = [];
    const uart = new Pl011({
      state: Pl011SharedState.create(),
      sink: (bytes) => output.push(...bytes),
      irq: { setLevel: () => undefined, pulse: () => undefined },
    });
    const mmio = new MmioBus();
    mmio.register(aarch64Layout.PL011_START, aarch64Layout.PL011_SIZE, uart, 'PL011');

    const UART = aarch64Layout.PL011_START;
    // strb w1, [x0] with x0 = UART and w1 = each character
    const print = (char: string) =>
      exceptionStep(
        dataAbort({ size: 1, register: 1, write: true }),
        (v) => {
          v.registers.set(hvRegX(0), UART);
          v.registers.set(hvRegX(1), 0xab00n | BigInt(char.charCodeAt(0)));
        },
        UART,
      );
    let status = -1n;
    let pcBeforeOff = 0n;
    fake.script(
      print('h'),
      print('i'),
      {
        reason: HvExitReason.VTIMER_ACTIVATED,
        guest: (v) => v.sysRegisters.set(HvSysReg.CNTV_CTL_EL0, CntvCtl.ENABLE | CntvCtl.ISTATUS),
      },
      // ldr w2, [x0, #0x18]   (UARTFR: TXFE | RXFE when idle)
      exceptionStep(
        dataAbort({ size: 4, register: 2, write: false }),
        (v) => v.sysRegisters.set(HvSysReg.CNTV_CTL_EL0, CntvCtl.ENABLE), // tick handled
        UART + 0x18n,
      ),
      print('\n'),
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, (v) => {
        status = v.reg(hvRegX(2));
        pcBeforeOff = v.reg(HvReg.PC);
      }),
    );

    const outcome = runVcpu(vcpu, { pio: new PioBus(), mmio, pendingOutcome: () => undefined });

    expect(outcome).toEqual({ kind: 'power-off' });
    expect(String.fromCharCode(...output)).toBe('hi\n');
    expect(status).toBe(0x90n);
    expect(pcBeforeOff).toBe(ENTRY + 4n * 4n); // four MMIO instructions stepped over
    expect(fake.runsWithIrq).toBe(1); // the timer IRQ reached the guest once
    expect(fake.vtimerMasked).toBe(false); // and was unmasked after it was handled
    expect(fake.steps).toEqual([]);
  });

  it('ends with an error outcome for an exit the backend cannot handle', () => {
    const { vcpu, fake } = fakeVm();
    fake.script(exceptionStep(dataAbort({ size: 8, register: 0, write: true, valid: false })));
    const outcome = runVcpu(vcpu, {
      pio: new PioBus(),
      mmio: new MmioBus(),
      pendingOutcome: () => undefined,
    });
    expect(outcome).toMatchObject({ kind: 'internal-error', vcpu: 0 });
    expect(outcome.kind === 'internal-error' && outcome.registers).toMatch(/^pc=0x40080000 sp=/);
  });
});
