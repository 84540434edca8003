import { SeededRandom } from '@vmm/test-support';
import { describe, expect, it } from 'vitest';
import { HvExitReason, PsciFunction, hvRegX, type FakeVcpuStep } from '../src/index.js';
import type { VmExit } from '@vmm/core';
import { exceptionStep, fakeVm, psciStep } from './fake-vm.js';
import { HVC, SMC, WFE, dataAbort, syndrome, sysRegTrap } from './syndromes.js';

/**
 * A guest controls every exit a Hypervisor.framework vCPU takes: its syndromes, the registers
 * a trapped instruction names, the PSCI calls it makes and the addresses it touches. Whatever
 * it does, `run()` must hand the machine an exit (an MMIO access, a power event, an internal
 * error naming what the guest did), never throw. These tests play thousands of random exits on
 * the fake framework, with a seeded generator so that a failure replays. Left out are the two
 * exits that rightly wait for another vCPU or the host, and so would hang a lone vCPU: WFI with
 * no timer due and PSCI CPU_OFF.
 */

/** A 64-bit value from two draws of `random`. */
function random64(random: SeededRandom): bigint {
  return (BigInt(random.next()) << 32n) | BigInt(random.next());
}

/** PSCI calls a guest may make, CPU_OFF aside, and a few IDs nobody implements. */
const PSCI_CALLS = [
  PsciFunction.VERSION,
  PsciFunction.FEATURES,
  PsciFunction.MIGRATE_INFO_TYPE,
  PsciFunction.CPU_SUSPEND,
  PsciFunction.CPU_SUSPEND_64,
  PsciFunction.CPU_ON,
  PsciFunction.CPU_ON_64,
  PsciFunction.AFFINITY_INFO,
  PsciFunction.AFFINITY_INFO_64,
  PsciFunction.SYSTEM_OFF,
  PsciFunction.SYSTEM_RESET,
  0x8400_00ff,
  0xc500_0000,
  0,
];

/** Exception classes a guest can raise, WFx (0x01, handled on its own) aside. */
const OTHER_EXCEPTION_CLASSES = Array.from({ length: 0x40 }, (_, ec) => ec).filter(
  (ec) => ec !== 0x01,
);

/** One random exit of the kinds a hostile guest can cause. */
function hostileStep(random: SeededRandom): FakeVcpuStep {
  const registers = (vcpu: Parameters<NonNullable<FakeVcpuStep['guest']>>[0]): void => {
    for (let x = 0; x < 31; x++) vcpu.registers.set(hvRegX(x), random64(random));
  };
  const address = random.below(2) === 0 ? BigInt(random.next()) : random64(random);
  switch (random.below(9)) {
    case 0:
    case 1:
    case 2:
      return {
        syndrome: dataAbort({
          size: ([1, 2, 4, 8] as const)[random.below(4)]!,
          register: random.below(32),
          write: random.below(2) === 0,
          signExtend: random.below(2) === 0,
          sixtyFourBit: random.below(2) === 0,
          valid: random.below(8) !== 0,
          cacheMaintenance: random.below(16) === 0,
          stage1Walk: random.below(16) === 0,
        }),
        physicalAddress: address,
        guest: registers,
      };
    case 3: {
      const call = PSCI_CALLS[random.below(PSCI_CALLS.length)]!;
      return {
        ...psciStep(call, random64(random), random64(random), random64(random)),
        syndrome: random.below(2) === 0 ? HVC : SMC,
      };
    }
    case 4: {
      const field = (bits: number): number => random.next() & ((1 << bits) - 1);
      return exceptionStep(
        sysRegTrap(
          field(2),
          field(3),
          field(4),
          field(4),
          field(3),
          field(5),
          random.below(2) === 0,
        ),
        registers,
      );
    }
    case 5:
      return exceptionStep(WFE);
    case 6:
      return {
        syndrome: syndrome(
          OTHER_EXCEPTION_CLASSES[random.below(OTHER_EXCEPTION_CLASSES.length)]!,
          random.next() & 0x1ff_ffff,
        ),
        physicalAddress: address,
        guest: registers,
      };
    case 7:
      return { reason: [HvExitReason.CANCELED, HvExitReason.VTIMER_ACTIVATED][random.below(2)]! };
    default:
      return { reason: 3 + random.below(100) };
  }
}

describe('an HvpVcpu under a hostile guest', () => {
  for (const seed of [1, 0x5eed, 0xdecafbad]) {
    it(`hands every exit of seed ${seed} to the machine without throwing`, () => {
      const random = new SeededRandom(seed);
      const { vcpu, fake } = fakeVm({ vcpus: 2, gic: true });
      for (let i = 0; i < 4000; i++) fake.script(hostileStep(random));
      fake.script(psciStep(PsciFunction.SYSTEM_OFF));
      const kinds = new Set<string>();
      let exit: VmExit;
      do {
        exit = vcpu.run();
        kinds.add(exit.kind === 'system-event' ? exit.event : exit.kind);
        if (exit.kind === 'mmio' && !exit.isWrite) {
          for (let i = 0; i < exit.data.length; i++) exit.data[i] = random.next() & 0xff;
        }
      } while (fake.steps.length > 0 || exit.kind !== 'system-event');
      for (const kind of ['mmio', 'internal-error', 'unknown', 'interrupted', 'power-off']) {
        expect(kinds).toContain(kind);
      }
    });
  }
});
