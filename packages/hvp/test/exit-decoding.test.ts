import { describe, expect, it } from 'vitest';
import {
  ExceptionClass,
  decodeDataAbort,
  decodeSysRegAccess,
  describeExceptionClass,
  exceptionClass,
  instructionIs32Bit,
  instructionSyndrome,
  isWaitForEvent,
  loadedRegisterValue,
  storeRegisterBytes,
} from '../src/index.js';
import { HVC, SMC, WFE, WFI, dataAbort, sysRegTrap } from './syndromes.js';

describe('ESR_EL2 of literal traps', () => {
  // ESR values as the hardware reports these instructions faulting on an MMIO address
  // (data abort from EL1 to EL2, ISV = 1, DFSC 0x06 = translation fault at level 2).
  it.each([
    // ldrb w2, [x1]     : 1 byte, W2, zero-extended
    [
      0x9302_0006n,
      { size: 1, register: 2, isWrite: false, signExtend: false, sixtyFourBit: false },
    ],
    // str x3, [x0]      : 8 bytes from X3
    [0x93c3_8046n, { size: 8, register: 3, isWrite: true, signExtend: false, sixtyFourBit: true }],
    // ldrsh x5, [x4]    : 2 bytes sign-extended into X5
    [0x9365_8006n, { size: 2, register: 5, isWrite: false, signExtend: true, sixtyFourBit: true }],
    // strb wzr, [x0]    : 1 byte from XZR
    [
      0x931f_0046n,
      { size: 1, register: 31, isWrite: true, signExtend: false, sixtyFourBit: false },
    ],
    // str w1, [x0]      : 4 bytes from W1
    [0x9381_0046n, { size: 4, register: 1, isWrite: true, signExtend: false, sixtyFourBit: false }],
  ])('decodes data abort %s', (esr, fields) => {
    expect(exceptionClass(esr)).toBe(ExceptionClass.DATA_ABORT_LOWER);
    expect(instructionIs32Bit(esr)).toBe(true);
    expect(decodeDataAbort(esr)).toMatchObject({ valid: true, faultStatus: 0x06, ...fields });
  });

  it('sees ISV clear (ldp x7, x8, [x0]: no syndrome for a pair)', () => {
    expect(decodeDataAbort(0x9287_0006n).valid).toBe(false);
  });

  it('decodes MSR/MRS traps', () => {
    // mrs x1, pmcr_el0 (S3_3_C9_C12_0)
    expect(decodeSysRegAccess(0x6230_e439n)).toEqual({
      op0: 3,
      op1: 3,
      crn: 9,
      crm: 12,
      op2: 0,
      register: 1,
      isRead: true,
    });
    // msr oslar_el1, xzr (S2_0_C1_C0_4)
    expect(decodeSysRegAccess(0x6228_07e0n)).toEqual({
      op0: 2,
      op1: 0,
      crn: 1,
      crm: 0,
      op2: 4,
      register: 31,
      isRead: false,
    });
    expect(exceptionClass(0x6228_0426n)).toBe(ExceptionClass.SYSREG);
  });

  it('tells HVC, SMC, WFI and WFE apart', () => {
    expect(exceptionClass(0x5a00_0000n)).toBe(ExceptionClass.HVC64); // hvc #0
    expect(exceptionClass(0x5e00_0000n)).toBe(ExceptionClass.SMC64); // smc #0
    expect(HVC).toBe(0x5a00_0000n);
    expect(SMC).toBe(0x5e00_0000n);
    expect(WFI).toBe(0x07e0_0000n); // wfi
    expect(WFE).toBe(0x07e0_0001n); // wfe
    expect(exceptionClass(WFI)).toBe(ExceptionClass.WFX);
    expect(isWaitForEvent(WFI)).toBe(false);
    expect(isWaitForEvent(WFE)).toBe(true);
    expect(instructionSyndrome(WFE)).toBe(0x1e0_0001);
  });

  it('names exception classes for error reports', () => {
    expect(describeExceptionClass(0x07)).toBe('0x07 (SVE/SIMD/floating-point access)');
    expect(describeExceptionClass(0x3c)).toBe('0x3c (BRK instruction)');
    expect(describeExceptionClass(0x3f)).toBe('0x3f (reserved or unexpected)');
  });
});

describe('data abort syndromes built field by field', () => {
  const sizes = [1, 2, 4, 8] as const;
  for (const size of sizes) {
    for (const write of [false, true]) {
      it(`${write ? 'stores' : 'loads'} of ${size} bytes decode for every register`, () => {
        for (let register = 0; register <= 31; register++) {
          const access = decodeDataAbort(dataAbort({ size, register, write }));
          expect(access).toMatchObject({ valid: true, size, register, isWrite: write });
          expect(access.sixtyFourBit).toBe(size === 8);
        }
      });
    }
  }

  it('decodes CM and S1PTW', () => {
    expect(
      decodeDataAbort(dataAbort({ size: 8, register: 0, write: false, cacheMaintenance: true })),
    ).toMatchObject({ cacheMaintenance: true, stage1Walk: false });
    expect(
      decodeDataAbort(dataAbort({ size: 8, register: 0, write: false, stage1Walk: true })),
    ).toMatchObject({ cacheMaintenance: false, stage1Walk: true });
  });
});

describe('MMIO values', () => {
  const access = (size: 1 | 2 | 4 | 8, signExtend: boolean, sixtyFourBit: boolean) =>
    decodeDataAbort(dataAbort({ size, register: 0, write: false, signExtend, sixtyFourBit }));

  it.each([
    // [instruction, size, SSE, SF, bytes, value left in Xt]
    ['ldrb w0', 1, false, false, [0x80], 0x80n],
    ['ldrsb w0', 1, true, false, [0x80], 0xffff_ff80n],
    ['ldrsb x0', 1, true, true, [0x80], 0xffff_ffff_ffff_ff80n],
    ['ldrsb x0 (positive)', 1, true, true, [0x7f], 0x7fn],
    ['ldrh w0', 2, false, false, [0x34, 0x92], 0x9234n],
    ['ldrsh w0', 2, true, false, [0x34, 0x92], 0xffff_9234n],
    ['ldrsh x0', 2, true, true, [0x34, 0x92], 0xffff_ffff_ffff_9234n],
    ['ldr w0', 4, false, false, [0x78, 0x56, 0x34, 0x92], 0x9234_5678n],
    ['ldrsw x0', 4, true, true, [0x78, 0x56, 0x34, 0x92], 0xffff_ffff_9234_5678n],
    ['ldrsw x0 (positive)', 4, true, true, [0x78, 0x56, 0x34, 0x12], 0x1234_5678n],
    ['ldr x0', 8, false, true, [1, 2, 3, 4, 5, 6, 7, 0x88], 0x8807_0605_0403_0201n],
  ] as const)('%s', (_, size, signExtend, sixtyFourBit, bytes, value) => {
    expect(
      loadedRegisterValue(Uint8Array.from(bytes), access(size, signExtend, sixtyFourBit)),
    ).toBe(value);
  });

  it('stores the low bytes of the register, little-endian', () => {
    const data = new Uint8Array(2);
    storeRegisterBytes(0x1122_3344_5566_7788n, data);
    expect([...data]).toEqual([0x88, 0x77]);
  });
});

describe('MSR/MRS syndromes built field by field', () => {
  it('round-trips every field', () => {
    const esr = sysRegTrap(3, 4, 14, 1, 0, 17, false);
    expect(decodeSysRegAccess(esr)).toEqual({
      op0: 3,
      op1: 4,
      crn: 14,
      crm: 1,
      op2: 0,
      register: 17,
      isRead: false,
    });
  });
});
