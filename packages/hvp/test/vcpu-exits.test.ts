import { describe, expect, it } from 'vitest';
import {
  CntvCtl,
  HvExitReason,
  HvGicRedistributorReg,
  HvReg,
  HvSysReg,
  HvpInternalError,
  PsciFunction,
  hvRegX,
  millisecondsUntilTimer,
  timerInterruptAsserted,
  type FakeVcpu,
} from '../src/index.js';
import { ENTRY, exceptionStep, fakeVm, psciStep, type FakeVm } from './fake-vm.js';
import { WFE, WFI, syndrome, sysRegTrap } from './syndromes.js';

const POWER_OFF = { kind: 'system-event', event: 'power-off' };
/** Apple silicon's counter runs at 24 MHz: 24 000 ticks per millisecond. */
const TICKS_PER_MS = 24_000n;

describe('system register traps', () => {
  it('read unhandled registers as zero, ignore writes (OSLAR_EL1, OSDLR_EL1) and step over', () => {
    const { vcpu, fake } = fakeVm();
    const seen: bigint[] = [];
    fake.script(
      // mrs x5, pmcr_el0
      exceptionStep(sysRegTrap(3, 3, 9, 12, 0, 5, true), (v) => v.registers.set(hvRegX(5), 0x55n)),
      // msr oslar_el1, x1
      exceptionStep(sysRegTrap(2, 0, 1, 0, 4, 1, false), (v) => {
        seen.push(v.reg(hvRegX(5)), v.reg(HvReg.PC));
        v.registers.set(hvRegX(1), 0x11n);
      }),
      // msr osdlr_el1, x1
      exceptionStep(sysRegTrap(2, 0, 1, 3, 4, 1, false)),
      // mrs xzr, pmcr_el0: nothing to write (and certainly not PC, hv_reg_t 31)
      exceptionStep(sysRegTrap(3, 3, 9, 12, 0, 31, true)),
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, (v) => {
        seen.push(v.reg(hvRegX(1)), v.reg(HvReg.PC));
      }),
    );
    expect(vcpu.run()).toEqual(POWER_OFF);
    expect(seen).toEqual([0n, ENTRY + 4n, 0x11n, ENTRY + 16n]);
  });
});

describe('WFI and WFE', () => {
  /** Runs one WFx exit set up by `guest` and returns how long it took and the PC after. */
  function idle(
    wfx: bigint,
    guest: (v: FakeVcpu, vm: FakeVm) => void,
    options: { vcpus?: number; gic?: boolean } = {},
  ) {
    const vm = fakeVm(options);
    let pc = 0n;
    vm.fake.script(
      exceptionStep(wfx, (v) => guest(v, vm)),
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, (v) => (pc = v.reg(HvReg.PC))),
    );
    const started = performance.now();
    const exit = vm.vcpu.run();
    return { exit, pc, elapsed: performance.now() - started, vm };
  }

  it('WFE steps over without sleeping', () => {
    const { exit, pc, elapsed } = idle(WFE, () => undefined);
    expect(exit).toEqual(POWER_OFF);
    expect(pc).toBe(ENTRY + 4n);
    expect(elapsed).toBeLessThan(50);
  });

  it('WFI returns at once when the virtual timer is already due', () => {
    const { exit, pc, elapsed } = idle(WFI, (v) => {
      v.sysRegisters.set(HvSysReg.CNTV_CTL_EL0, CntvCtl.ENABLE);
      v.sysRegisters.set(HvSysReg.CNTV_CVAL_EL0, 100n);
      v.vtimerOffset = 0n;
    });
    expect(exit).toEqual(POWER_OFF);
    expect(pc).toBe(ENTRY + 4n);
    expect(elapsed).toBeLessThan(50);
  });

  it('WFI sleeps until the virtual timer is due', () => {
    const { exit, pc, elapsed } = idle(WFI, (v) => {
      v.vtimerOffset = 1_000n;
      v.sysRegisters.set(HvSysReg.CNTV_CTL_EL0, CntvCtl.ENABLE);
      // The fake clock stands at 0, so the virtual count is -1000: due in 40 ms and 1000 ticks.
      v.sysRegisters.set(HvSysReg.CNTV_CVAL_EL0, 40n * TICKS_PER_MS - 1_000n);
    });
    expect(exit).toEqual(POWER_OFF);
    expect(pc).toBe(ENTRY + 4n);
    expect(elapsed).toBeGreaterThanOrEqual(35);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('WFI does not sleep when an interrupt was raised while the guest ran', () => {
    const { exit, elapsed, vm } = idle(
      WFI,
      (_, vm) => vm.virt.interrupts.setLevel(1, true), // the timer is off: only the SPI wakes it
      { gic: true },
    );
    expect(exit).toEqual(POWER_OFF);
    expect(elapsed).toBeLessThan(50);
    expect(vm.api.spiLevels).toEqual([{ intid: 33, level: true }]);
  });

  it('a kick ends a WFI sleep and the run returns interrupted', () => {
    const vm = fakeVm();
    vm.fake.script(exceptionStep(WFI, () => vm.virt.kick(vm.vcpu.kickHandle)));
    expect(vm.vcpu.run()).toEqual({ kind: 'interrupted' });
    expect(vm.api.exitRequests).toEqual([[vm.vcpu.hvVcpu]]);
    expect(vm.fake.reg(HvReg.PC)).toBe(ENTRY + 4n);
  });

  it('computes the sleep from CNTV_CTL_EL0 and CNTV_CVAL_EL0', () => {
    const timebase = { numer: 125, denom: 3 };
    expect(millisecondsUntilTimer(0n, 10n, 0n, timebase)).toBeUndefined(); // disabled
    expect(
      millisecondsUntilTimer(CntvCtl.ENABLE | CntvCtl.IMASK, 10n, 0n, timebase),
    ).toBeUndefined();
    expect(millisecondsUntilTimer(CntvCtl.ENABLE | CntvCtl.ISTATUS, 10n ** 9n, 0n, timebase)).toBe(
      0,
    );
    expect(millisecondsUntilTimer(CntvCtl.ENABLE, 5n, 6n, timebase)).toBe(0);
    expect(millisecondsUntilTimer(CntvCtl.ENABLE, 24_000n, 0n, timebase)).toBe(1);
    expect(timerInterruptAsserted(CntvCtl.ENABLE | CntvCtl.ISTATUS)).toBe(true);
    expect(timerInterruptAsserted(CntvCtl.ENABLE | CntvCtl.ISTATUS | CntvCtl.IMASK)).toBe(false);
  });
});

describe('the virtual timer', () => {
  it('without a GIC: keeps the IRQ pending until the guest handled the timer, then unmasks', () => {
    const { vcpu, fake } = fakeVm();
    const states: Array<[boolean, number]> = [];
    const snapshot = (v: FakeVcpu) => states.push([v.vtimerMasked, v.runsWithIrq]);
    fake.script(
      {
        reason: HvExitReason.VTIMER_ACTIVATED,
        guest: (v) => v.sysRegisters.set(HvSysReg.CNTV_CTL_EL0, CntvCtl.ENABLE | CntvCtl.ISTATUS),
      },
      psciStep(PsciFunction.VERSION, 0n, 0n, 0n, snapshot), // entered with the IRQ pending
      psciStep(PsciFunction.VERSION, 0n, 0n, 0n, (v) => {
        snapshot(v); // still asserted: pending again
        v.sysRegisters.set(HvSysReg.CNTV_CTL_EL0, CntvCtl.ENABLE); // the handler reprogrammed it
      }),
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, snapshot),
    );
    expect(vcpu.run()).toEqual(POWER_OFF);
    expect(states).toEqual([
      [true, 1],
      [true, 2],
      [false, 2],
    ]);
    expect(fake.redistributorWrites).toEqual([]);
  });

  it('with the GIC: makes PPI 27 pending in the redistributor, then unmasks once handled', () => {
    const { vcpu, fake } = fakeVm({ gic: true });
    fake.script(
      {
        reason: HvExitReason.VTIMER_ACTIVATED,
        guest: (v) => v.sysRegisters.set(HvSysReg.CNTV_CTL_EL0, CntvCtl.ENABLE | CntvCtl.ISTATUS),
      },
      psciStep(PsciFunction.VERSION, 0n, 0n, 0n, (v) =>
        v.sysRegisters.set(HvSysReg.CNTV_CTL_EL0, CntvCtl.ENABLE | CntvCtl.IMASK),
      ),
      psciStep(PsciFunction.SYSTEM_OFF),
    );
    expect(vcpu.run()).toEqual(POWER_OFF);
    expect(fake.redistributorWrites).toEqual([
      { reg: HvGicRedistributorReg.ISPENDR0, value: 1n << 27n },
    ]);
    expect(fake.runsWithIrq).toBe(0);
    expect(fake.vtimerMasked).toBe(false);
  });
});

describe('other exits', () => {
  it('a cancelled run (hv_vcpus_exit from another thread) is interrupted', () => {
    const { vcpu, fake } = fakeVm();
    fake.script({ reason: HvExitReason.CANCELED });
    expect(vcpu.run()).toEqual({ kind: 'interrupted' });
  });

  it('HV_EXIT_REASON_UNKNOWN is reported, not ignored', () => {
    const { vcpu, fake } = fakeVm();
    fake.script({ reason: HvExitReason.UNKNOWN });
    expect(vcpu.run()).toEqual({ kind: 'unknown', reason: 3, name: 'HV_EXIT_REASON_UNKNOWN' });
  });

  it.each([
    [0x07, 'SVE/SIMD/floating-point access'],
    [0x3c, 'BRK instruction'],
    [0x00, 'unknown reason'],
  ])('exception class %i is an internal error naming the class', (ec, name) => {
    const { vcpu, fake } = fakeVm();
    fake.script(exceptionStep(syndrome(ec, 0)));
    const exit = vcpu.run();
    expect(exit).toMatchObject({
      kind: 'internal-error',
      suberror: HvpInternalError.UNHANDLED_EXCEPTION,
    });
    expect(exit.kind === 'internal-error' && exit.description).toContain(
      `exception class 0x${ec.toString(16).padStart(2, '0')} (${name})`,
    );
  });

  it('an instruction fetch outside RAM is an internal error naming the address', () => {
    const { vcpu, fake } = fakeVm();
    fake.script(exceptionStep(syndrome(0x20, 0x06), undefined, 0x2000_0000n));
    const exit = vcpu.run();
    expect(exit).toMatchObject({
      kind: 'internal-error',
      suberror: HvpInternalError.INSTRUCTION_ABORT,
    });
    expect(exit.kind === 'internal-error' && exit.description).toMatch(/0x20000000/);
  });

  it('describes its registers in one line', () => {
    const { vcpu, fake } = fakeVm();
    fake.sysRegisters.set(HvSysReg.SP_EL1, 0x4100_0000n);
    fake.script(exceptionStep(syndrome(0x07, 0), (v) => v.registers.set(HvReg.PC, 0x4008_0010n)));
    vcpu.run();
    expect(vcpu.describeRegisters()).toBe(
      'pc=0x40080010 sp=0x41000000 cpsr=0x3c5 esr=0x1e000000 far=0x0',
    );
  });

  it('refuses an x86 boot state', () => {
    const { vcpu } = fakeVm();
    expect(() => vcpu.setBootState({ mode: 'x86-real', entry: 0x1000n })).toThrow(
      /aarch64 .* cannot start in x86-real mode/,
    );
  });
});
