import { describe, expect, it } from 'vitest';
import type { MmioExit, VmExit } from '@vmm/core';
import { HvReg, HvpInternalError, PsciFunction, hvRegX, type FakeVcpu } from '../src/index.js';
import { ENTRY, exceptionStep, fakeVm, psciStep } from './fake-vm.js';
import { dataAbort, type DataAbortFields } from './syndromes.js';

const UART = 0x0900_0000n;
const PATTERN = 0x8899_aabb_ccdd_eeffn;

function asMmio(exit: VmExit): MmioExit {
  if (exit.kind !== 'mmio') throw new Error(`expected an MMIO exit, got ${JSON.stringify(exit)}`);
  return exit;
}

/**
 * Runs one MMIO access: the guest sets its registers (`guest`), faults with `fields`, the
 * "device" answers `reply` for loads, and the vCPU runs on to a SYSTEM_OFF. Returns the MMIO
 * exit's data and the vCPU's registers as the guest saw them right after the access.
 */
function access(fields: DataAbortFields, guest: (vcpu: FakeVcpu) => void, reply: number[] = []) {
  const { vcpu, fake } = fakeVm();
  let after = new Map<number, bigint>();
  fake.script(
    exceptionStep(dataAbort(fields), guest, UART + 4n),
    psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, (v) => (after = new Map(v.registers))),
  );
  const exit = asMmio(vcpu.run());
  const seen = { isWrite: exit.isWrite, address: exit.address, data: [...exit.data] };
  exit.data.set(reply);
  expect(vcpu.run()).toEqual({ kind: 'system-event', event: 'power-off' });
  vcpu.close();
  return { seen, after };
}

describe('MMIO stores', () => {
  for (const size of [1, 2, 4, 8] as const) {
    it(`hand the low ${size} bytes of each register to the device (x31 = XZR stores zeros)`, () => {
      for (let register = 0; register <= 31; register++) {
        const { seen, after } = access({ size, register, write: true }, (v) => {
          for (let n = 0; n <= 30; n++) v.registers.set(hvRegX(n), PATTERN);
        });
        const expected =
          register === 31
            ? new Array<number>(size).fill(0)
            : [0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88].slice(0, size);
        expect(seen, `x${register}`).toEqual({ isWrite: true, address: UART + 4n, data: expected });
        expect(after.get(HvReg.PC), `pc after x${register}`).toBe(ENTRY + 4n);
        if (register !== 31) expect(after.get(hvRegX(register))).toBe(PATTERN);
      }
    });
  }
});

describe('MMIO loads', () => {
  const reply = [0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88];
  const zeroExtended = { 1: 0x81n, 2: 0x8281n, 4: 0x8483_8281n, 8: 0x8887_8685_8483_8281n };

  for (const size of [1, 2, 4, 8] as const) {
    it(`of ${size} bytes fill every register on the next run (x31 = XZR discards)`, () => {
      for (let register = 0; register <= 31; register++) {
        const { seen, after } = access(
          { size, register, write: false },
          (v) => v.registers.set(hvRegX(register === 31 ? 0 : register), PATTERN),
          reply.slice(0, size),
        );
        expect(seen, `x${register}`).toEqual({
          isWrite: false,
          address: UART + 4n,
          data: new Array<number>(size).fill(0),
        });
        expect(after.get(HvReg.PC), `pc after x${register}`).toBe(ENTRY + 4n);
        if (register === 31) expect(after.get(hvRegX(0))).toBe(PATTERN);
        else expect(after.get(hvRegX(register)), `x${register}`).toBe(zeroExtended[size]);
      }
    });
  }

  it.each([
    // [instruction, size, SF, value]
    ['ldrsb w7', 1, false, 0xffff_ff81n],
    ['ldrsb x7', 1, true, 0xffff_ffff_ffff_ff81n],
    ['ldrsh w7', 2, false, 0xffff_8281n],
    ['ldrsh x7', 2, true, 0xffff_ffff_ffff_8281n],
    ['ldrsw x7', 4, true, 0xffff_ffff_8483_8281n],
  ] as const)('%s sign-extends', (_, size, sixtyFourBit, value) => {
    const { after } = access(
      { size, register: 7, write: false, signExtend: true, sixtyFourBit },
      () => undefined,
      reply.slice(0, size),
    );
    expect(after.get(hvRegX(7))).toBe(value);
  });
});

describe('data aborts that are not plain loads or stores', () => {
  it('report an access without a syndrome (ISV = 0) as an internal error naming the address', () => {
    const { vcpu, fake } = fakeVm();
    fake.script(
      exceptionStep(
        dataAbort({ size: 8, register: 7, write: false, valid: false }),
        undefined,
        UART,
      ),
    );
    const exit = vcpu.run();
    expect(exit).toMatchObject({
      kind: 'internal-error',
      suberror: HvpInternalError.MMIO_WITHOUT_SYNDROME,
      data: [dataAbort({ size: 8, register: 7, write: false, valid: false }), 0n, UART],
    });
    expect(exit.kind === 'internal-error' && exit.description).toMatch(
      /MMIO at 0x9000000 .*cannot emulate.*ESR_EL2 0x92/,
    );
  });

  it('report a page table walk outside RAM', () => {
    const { vcpu, fake } = fakeVm();
    fake.script(
      exceptionStep(
        dataAbort({ size: 8, register: 0, write: false, stage1Walk: true }),
        undefined,
        0x1000n,
      ),
    );
    expect(vcpu.run()).toMatchObject({
      kind: 'internal-error',
      suberror: HvpInternalError.PAGE_TABLE_WALK_ABORT,
    });
  });

  it('step over cache maintenance on MMIO without an exit', () => {
    const { vcpu, fake } = fakeVm();
    let pc = 0n;
    fake.script(
      exceptionStep(dataAbort({ size: 8, register: 0, write: true, cacheMaintenance: true })),
      psciStep(PsciFunction.SYSTEM_OFF, 0n, 0n, 0n, (v) => (pc = v.reg(HvReg.PC))),
    );
    expect(vcpu.run()).toEqual({ kind: 'system-event', event: 'power-off' });
    expect(pc).toBe(ENTRY + 4n);
  });
});
