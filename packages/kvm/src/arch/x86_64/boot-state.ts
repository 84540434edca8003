import {
  VmmError,
  hex,
  x86_64Layout,
  type X86LongModeBootState,
  type X86RealModeBootState,
} from '@vmm/core';
import { KvmFpu } from '../../bindings/x86_64/kvm-fpu.js';
import { KvmRegs } from '../../bindings/x86_64/kvm-regs.js';
import type { KvmSegment, KvmSregs } from '../../bindings/x86_64/kvm-sregs.js';
import type { KvmVcpu } from '../../kvm-vcpu.js';
import { BOOT_MSRS } from './boot-msrs.js';
import {
  CR0_CD,
  CR0_ET,
  CR0_NW,
  CR0_PE,
  CR0_PG,
  CR4_PAE,
  EFER_LMA,
  EFER_LME,
  RFLAGS_RESERVED,
} from './control-registers.js';
import { segmentFromDescriptor } from './gdt-segment.js';

/** x87 control word after FNINIT: all exceptions masked, 64-bit precision, round to nearest. */
const FPU_CONTROL_WORD = 0x37f;
/** MXCSR at reset: all SSE exceptions masked. */
const MXCSR_DEFAULT = 0x1f80;
/** Real mode reaches the first MiB only. */
const REAL_MODE_LIMIT = 0x10_0000n;
/** Real-mode segments span 64 KiB. */
const REAL_MODE_SEGMENT_LIMIT = 0xffff;
/** Real-mode interrupt vector table: 256 four-byte vectors at 0. */
const REAL_MODE_IVT_LIMIT = 0x3ff;
/** Segment type: execute/read code, accessed. */
const CODE_TYPE = 0xb;
/** Segment type: read/write data, accessed. */
const DATA_TYPE = 0x3;
const DATA_SEGMENTS = ['ds', 'es', 'fs', 'gs', 'ss'] as const;

/** Loads an x86 boot state (long or real mode) into `vcpu`. */
export function applyX86BootState(
  vcpu: KvmVcpu,
  state: X86LongModeBootState | X86RealModeBootState,
): void {
  if (state.mode === 'x86_64-long') setLongMode(vcpu, state);
  else setRealMode(vcpu, state);
}

/**
 * 64-bit long mode as the Linux boot protocol wants it: protected mode with paging through
 * the identity map at `pageTables`, PAE, EFER.LME|LMA, the boot GDT's flat 64-bit code
 * segment in CS and data segment everywhere else, an empty IDT (interrupts stay off), rip at
 * the entry, rsi at boot_params, and the FPU and boot MSRs in their reset state.
 */
function setLongMode(vcpu: KvmVcpu, state: X86LongModeBootState): void {
  const sregs = vcpu.getSregs();
  const code = bootSegment(x86_64Layout.BOOT_CODE_SELECTOR);
  const data = bootSegment(x86_64Layout.BOOT_DATA_SELECTOR);
  sregs.setSegment('cs', code);
  for (const name of DATA_SEGMENTS) sregs.setSegment(name, data);
  sregs.setTable('gdt', { base: state.gdtBase, limit: state.gdtLimit });
  sregs.setTable('idt', { base: 0n, limit: 0 });
  sregs.set('cr0', (sregs.get('cr0') & ~(CR0_CD | CR0_NW)) | CR0_PE | CR0_ET | CR0_PG);
  sregs.set('cr3', state.pageTables);
  sregs.set('cr4', sregs.get('cr4') | CR4_PAE);
  sregs.set('efer', sregs.get('efer') | EFER_LME | EFER_LMA);
  vcpu.setSregs(sregs);

  const regs = new KvmRegs();
  regs.set('rflags', RFLAGS_RESERVED);
  regs.set('rip', state.entry);
  regs.set('rsi', state.bootParams);
  regs.set('rsp', state.stack);
  regs.set('rbp', state.stack);
  vcpu.setRegs(regs);

  const fpu = new KvmFpu();
  fpu.fcw = FPU_CONTROL_WORD;
  fpu.mxcsr = MXCSR_DEFAULT;
  vcpu.setFpu(fpu);
  vcpu.setMsrs(BOOT_MSRS);
}

/**
 * 16-bit real mode at `entry`: cs = entry >> 4 (base cs * 16), ip = the rest, flat 64 KiB
 * data segments at 0, paging and protection off, the interrupt vector table at 0.
 */
function setRealMode(vcpu: KvmVcpu, state: X86RealModeBootState): void {
  if (state.entry < 0n || state.entry >= REAL_MODE_LIMIT) {
    throw new VmmError(
      `real-mode entry ${hex(state.entry)} is outside the first MiB, which is all real mode reaches`,
    );
  }
  const selector = Number(state.entry >> 4n);
  const sregs: KvmSregs = vcpu.getSregs();
  sregs.setSegment('cs', realModeSegment(selector, CODE_TYPE));
  for (const name of DATA_SEGMENTS) sregs.setSegment(name, realModeSegment(0, DATA_TYPE));
  sregs.setTable('idt', { base: 0n, limit: REAL_MODE_IVT_LIMIT });
  sregs.set('cr0', sregs.get('cr0') & ~(CR0_PE | CR0_PG));
  sregs.set('efer', sregs.get('efer') & ~(EFER_LME | EFER_LMA));
  vcpu.setSregs(sregs);

  const regs = new KvmRegs();
  regs.set('rflags', RFLAGS_RESERVED);
  regs.set('rip', state.entry - (BigInt(selector) << 4n));
  vcpu.setRegs(regs);
}

function bootSegment(selector: number): KvmSegment {
  const descriptor = x86_64Layout.BOOT_GDT[selector >> 3];
  if (descriptor === undefined) {
    throw new VmmError(`selector ${hex(selector)} is outside the boot GDT`);
  }
  return segmentFromDescriptor(descriptor, selector);
}

function realModeSegment(selector: number, type: number): KvmSegment {
  return {
    base: BigInt(selector) << 4n,
    limit: REAL_MODE_SEGMENT_LIMIT,
    selector,
    type,
    present: 1,
    dpl: 0,
    db: 0,
    s: 1,
    l: 0,
    g: 0,
    avl: 0,
    unusable: 0,
  };
}
