import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  HV_VCPU_EXIT_LAYOUT,
  HvExitReason,
  HvInterruptType,
  HvReg,
  HvReturn,
  HvSysReg,
  HvVcpuExitView,
  hvRegX,
  hvReturnName,
  hvSysRegEncoding,
  PsciFunction,
} from '../src/index.js';

type Koffi = typeof import('koffi').default;
const koffi = createRequire(import.meta.url)('koffi') as Koffi;

describe('hv_vcpu_exit_t', () => {
  it('has the C layout: reason u32 @0, syndrome @8, virtual_address @16, physical_address @24, 32 bytes', () => {
    // The C declaration from <Hypervisor/hv_vcpu_types.h>, laid out by koffi with the C rules.
    const exception = koffi.struct('hv_vcpu_exit_exception_t', {
      syndrome: 'uint64_t',
      virtual_address: 'uint64_t',
      physical_address: 'uint64_t',
    });
    const exit = koffi.struct('hv_vcpu_exit_t', { reason: 'uint32_t', exception });
    expect(koffi.sizeof(exit)).toBe(HV_VCPU_EXIT_LAYOUT.size);
    expect(koffi.offsetof(exit, 'reason')).toBe(HV_VCPU_EXIT_LAYOUT.reason);
    const base = koffi.offsetof(exit, 'exception');
    expect(base + koffi.offsetof(exception, 'syndrome')).toBe(HV_VCPU_EXIT_LAYOUT.syndrome);
    expect(base + koffi.offsetof(exception, 'virtual_address')).toBe(
      HV_VCPU_EXIT_LAYOUT.virtualAddress,
    );
    expect(base + koffi.offsetof(exception, 'physical_address')).toBe(
      HV_VCPU_EXIT_LAYOUT.physicalAddress,
    );
    expect(HV_VCPU_EXIT_LAYOUT).toEqual({
      reason: 0,
      syndrome: 8,
      virtualAddress: 16,
      physicalAddress: 24,
      size: 32,
    });
  });

  it('is read in place', () => {
    const bytes = new Uint8Array(32);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, HvExitReason.EXCEPTION, true);
    view.setBigUint64(8, 0x9381_0046n, true);
    view.setBigUint64(16, 0xffff_0000_0900_0000n, true);
    view.setBigUint64(24, 0x0900_0000n, true);
    const exit = new HvVcpuExitView(bytes);
    expect([exit.reason, exit.syndrome, exit.virtualAddress, exit.physicalAddress]).toEqual([
      1,
      0x9381_0046n,
      0xffff_0000_0900_0000n,
      0x0900_0000n,
    ]);
    expect(() => new HvVcpuExitView(new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe('constants from the Hypervisor headers', () => {
  it('hv_return_t codes are err_common_hypervisor (0xfae94000) plus a code', () => {
    expect(HvReturn.ERROR).toBe(0xfae9_4000 + 1);
    expect(HvReturn.BUSY).toBe(0xfae9_4000 + 2);
    expect(HvReturn.DENIED).toBe(0xfae9_4000 + 7);
    expect(HvReturn.UNSUPPORTED).toBe(0xfae9_4000 + 0xf);
    expect(hvReturnName(HvReturn.DENIED)).toBe('HV_DENIED');
    expect(hvReturnName(0xfae9_4003 | 0)).toBe('HV_BAD_ARGUMENT'); // as a signed int32
    expect(hvReturnName(0x1234)).toBe('hv_return_t 0x1234');
  });

  it('exit reasons and interrupt types follow hv_vcpu_types.h', () => {
    expect(HvExitReason).toEqual({ CANCELED: 0, EXCEPTION: 1, VTIMER_ACTIVATED: 2, UNKNOWN: 3 });
    expect(HvInterruptType).toEqual({ IRQ: 0, FIQ: 1 });
  });

  it('hv_reg_t numbers X0..X30 then PC, FPCR, FPSR, CPSR', () => {
    expect(hvRegX(0)).toBe(0);
    expect(hvRegX(30)).toBe(30);
    expect([HvReg.FP, HvReg.LR, HvReg.PC, HvReg.FPCR, HvReg.FPSR, HvReg.CPSR]).toEqual([
      29, 30, 31, 32, 33, 34,
    ]);
    expect(() => hvRegX(31)).toThrow(/XZR/);
  });

  it('hv_sys_reg_t values are the op0/op1/CRn/CRm/op2 encodings of the registers', () => {
    // Encodings from the Arm ARM's system register descriptions.
    const table: Record<keyof typeof HvSysReg, [number, number, number, number, number]> = {
      MDSCR_EL1: [2, 0, 0, 2, 2],
      MIDR_EL1: [3, 0, 0, 0, 0],
      MPIDR_EL1: [3, 0, 0, 0, 5],
      ID_AA64PFR0_EL1: [3, 0, 0, 4, 0],
      ID_AA64MMFR0_EL1: [3, 0, 0, 7, 0],
      SCTLR_EL1: [3, 0, 1, 0, 0],
      CPACR_EL1: [3, 0, 1, 0, 2],
      TTBR0_EL1: [3, 0, 2, 0, 0],
      TTBR1_EL1: [3, 0, 2, 0, 1],
      TCR_EL1: [3, 0, 2, 0, 2],
      SPSR_EL1: [3, 0, 4, 0, 0],
      ELR_EL1: [3, 0, 4, 0, 1],
      SP_EL0: [3, 0, 4, 1, 0],
      ESR_EL1: [3, 0, 5, 2, 0],
      FAR_EL1: [3, 0, 6, 0, 0],
      MAIR_EL1: [3, 0, 10, 2, 0],
      VBAR_EL1: [3, 0, 12, 0, 0],
      TPIDR_EL1: [3, 0, 13, 0, 4],
      CNTKCTL_EL1: [3, 0, 14, 1, 0],
      TPIDR_EL0: [3, 3, 13, 0, 2],
      CNTV_CTL_EL0: [3, 3, 14, 3, 1],
      CNTV_CVAL_EL0: [3, 3, 14, 3, 2],
      SP_EL1: [3, 4, 4, 1, 0],
    };
    for (const [name, encoding] of Object.entries(table)) {
      expect(HvSysReg[name as keyof typeof HvSysReg], name).toBe(hvSysRegEncoding(...encoding));
    }
  });

  it('PSCI 64-bit function IDs are the 32-bit ones with bit 30 set', () => {
    expect(PsciFunction.CPU_ON_64).toBe(PsciFunction.CPU_ON + 0x4000_0000);
    expect(PsciFunction.AFFINITY_INFO_64).toBe(PsciFunction.AFFINITY_INFO + 0x4000_0000);
    expect(PsciFunction.CPU_SUSPEND_64).toBe(PsciFunction.CPU_SUSPEND + 0x4000_0000);
  });
});
