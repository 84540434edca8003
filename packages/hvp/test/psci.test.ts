import { describe, expect, it } from 'vitest';
import {
  BOOT_CPSR,
  HvReg,
  HvSysReg,
  PSCI_VERSION_1_0,
  PsciAffinityState,
  PsciFunction,
  PsciReturn,
  hvRegX,
  type FakeVcpu,
} from '../src/index.js';
import { ENTRY, exceptionStep, fakeVm, psciStep, u64 } from './fake-vm.js';
import { SMC } from './syndromes.js';

const POWER_OFF = { kind: 'system-event', event: 'power-off' };

/** Runs `calls` as PSCI calls on a booted vCPU 0 and returns x0 after each (then powers off). */
function callResults(...calls: Array<[number, bigint?, bigint?, bigint?]>): bigint[] {
  const { vcpu, fake } = fakeVm();
  const results: bigint[] = [];
  const record = (v: FakeVcpu) => results.push(v.reg(HvReg.X0));
  calls.forEach(([fid, x1, x2, x3], index) =>
    fake.script(psciStep(fid, x1, x2, x3, index === 0 ? undefined : record)),
  );
  fake.script(psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, record));
  expect(vcpu.run()).toEqual(POWER_OFF);
  return results;
}

describe('PSCI over HVC', () => {
  it('answers VERSION (1.0), FEATURES and MIGRATE_INFO_TYPE, leaving PC after the HVC', () => {
    expect(
      callResults(
        [PsciFunction.VERSION],
        [PsciFunction.FEATURES, BigInt(PsciFunction.CPU_ON_64)],
        [PsciFunction.FEATURES, BigInt(PsciFunction.SYSTEM_OFF)],
        [PsciFunction.FEATURES, BigInt(PsciFunction.CPU_SUSPEND)],
        [PsciFunction.MIGRATE_INFO_TYPE],
      ),
    ).toEqual([BigInt(PSCI_VERSION_1_0), 0n, 0n, u64(PsciReturn.NOT_SUPPORTED), 2n]);
  });

  it('answers unknown function ids with NOT_SUPPORTED (-1) in x0', () => {
    expect(
      callResults([0x8400_00ff], [0x8000_0000], [0xc200_0001], [PsciFunction.CPU_SUSPEND]),
    ).toEqual([-1, -1, -1, -1].map(u64));
  });

  it('ends the VM for SYSTEM_OFF and SYSTEM_RESET', () => {
    const off = fakeVm();
    off.fake.script(psciStep(PsciFunction.SYSTEM_OFF));
    expect(off.vcpu.run()).toEqual(POWER_OFF);
    const reset = fakeVm();
    reset.fake.script(psciStep(PsciFunction.SYSTEM_RESET));
    expect(reset.vcpu.run()).toEqual({ kind: 'system-event', event: 'reset' });
  });

  it('does not move PC for HVC (the exception returns past it) but steps over a trapped SMC', () => {
    const { vcpu, fake } = fakeVm();
    const pcs: bigint[] = [];
    const pc = (v: FakeVcpu) => pcs.push(v.reg(HvReg.PC));
    fake.script(
      psciStep(PsciFunction.VERSION),
      exceptionStep(SMC, (v) => {
        pc(v);
        v.registers.set(HvReg.X0, BigInt(PsciFunction.VERSION));
      }),
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, (v) => {
        pc(v);
        pcs.push(v.reg(HvReg.X0));
      }),
    );
    expect(vcpu.run()).toEqual(POWER_OFF);
    expect(pcs).toEqual([ENTRY, ENTRY + 4n, BigInt(PSCI_VERSION_1_0)]);
  });
});

describe('CPU_ON', () => {
  const SECONDARY_ENTRY = 0x4010_0000n;
  const CONTEXT = 0xc0ffee_0000n;

  it('starts the target vCPU at the entry point with the context id in x0', () => {
    const { api, virt, vcpu, fake } = fakeVm({ vcpus: 3 });
    const secondary = virt.createVcpu(2);
    const results: bigint[] = [];
    const record = (v: FakeVcpu) => results.push(v.reg(HvReg.X0));
    fake.script(
      psciStep(PsciFunction.AFFINITY_INFO_64, 2n),
      psciStep(PsciFunction.CPU_ON_64, 2n, SECONDARY_ENTRY, CONTEXT, record),
      psciStep(PsciFunction.AFFINITY_INFO_64, 2n, 0n, 0n, record),
      psciStep(PsciFunction.CPU_ON_64, 2n, SECONDARY_ENTRY, CONTEXT, record),
      psciStep(PsciFunction.CPU_ON_64, 0x7n, SECONDARY_ENTRY, CONTEXT, record),
      psciStep(PsciFunction.CPU_ON_64, 0n, SECONDARY_ENTRY, CONTEXT, record),
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, record),
    );
    expect(vcpu.run()).toEqual(POWER_OFF);
    expect(results).toEqual([
      u64(PsciAffinityState.OFF), // vCPU 2 before CPU_ON
      u64(PsciReturn.SUCCESS), // CPU_ON
      u64(PsciAffinityState.ON_PENDING), // started, not yet running
      u64(PsciReturn.ON_PENDING), // a second CPU_ON meanwhile
      u64(PsciReturn.INVALID_PARAMETERS), // MPIDR 7: no such vCPU
      u64(PsciReturn.ALREADY_ON), // vCPU 0 itself
    ]);

    let started: Record<string, bigint> = {};
    api.vcpu(secondary.hvVcpu).script(
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, (v) => {
        started = {
          pc: v.reg(HvReg.PC),
          x0: v.reg(HvReg.X0),
          x1: v.reg(hvRegX(1)),
          cpsr: v.reg(HvReg.CPSR),
          mpidr: v.sysReg(HvSysReg.MPIDR_EL1),
        };
      }),
    );
    expect(secondary.run()).toEqual(POWER_OFF);
    expect(started).toEqual({
      pc: SECONDARY_ENTRY,
      x0: CONTEXT,
      x1: 0n,
      cpsr: BOOT_CPSR,
      mpidr: 2n,
    });
  });

  it('takes only the low 32 bits of the arguments of the 32-bit call', () => {
    const { api, virt, vcpu, fake } = fakeVm({ vcpus: 2 });
    const secondary = virt.createVcpu(1);
    fake.script(
      psciStep(PsciFunction.CPU_ON, 0xffff_0000_0000_0001n, 0xffff_ffff_4010_0000n, 0x1_0000_0007n),
      psciStep(PsciFunction.SYSTEM_OFF),
    );
    expect(vcpu.run()).toEqual(POWER_OFF);
    let start: bigint[] = [];
    api.vcpu(secondary.hvVcpu).script(
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, (v) => {
        start = [v.reg(HvReg.PC), v.reg(HvReg.X0)];
      }),
    );
    expect(secondary.run()).toEqual(POWER_OFF);
    expect(start).toEqual([0x4010_0000n, 7n]);
  });

  it('CPU_OFF parks the caller until a CPU_ON (or a kick) and AFFINITY_INFO then says OFF', () => {
    const { api, virt, vcpu, fake } = fakeVm({ vcpus: 2 });
    const secondary = virt.createVcpu(1);
    fake.script(psciStep(PsciFunction.CPU_ON_64, 1n, SECONDARY_ENTRY, 1n));
    fake.script(psciStep(PsciFunction.SYSTEM_OFF));
    expect(vcpu.run()).toEqual(POWER_OFF);

    // The secondary starts, then powers itself off. Another thread would kick it to stop the
    // VM; the kick here comes from the "guest" so the single-threaded test cannot block.
    api
      .vcpu(secondary.hvVcpu)
      .script(psciStep(PsciFunction.CPU_OFF, 0n, 0n, 0n, () => virt.kick(secondary.kickHandle)));
    expect(secondary.run()).toEqual({ kind: 'interrupted' });

    const results: bigint[] = [];
    fake.script(
      psciStep(PsciFunction.AFFINITY_INFO, 1n),
      psciStep(PsciFunction.AFFINITY_INFO, 1n, 1n, 0n, (v) => results.push(v.reg(HvReg.X0))),
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, (v) => results.push(v.reg(HvReg.X0))),
    );
    expect(vcpu.run()).toEqual(POWER_OFF);
    expect(results).toEqual([u64(PsciAffinityState.OFF), u64(PsciReturn.INVALID_PARAMETERS)]);
  });
});
