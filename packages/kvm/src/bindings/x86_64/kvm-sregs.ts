/** Byte offsets in x86 `struct kvm_segment` (one segment register, as VMX/SVM hold it). */
export const KVM_SEGMENT_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 24,
  /** `__u64 base`. */
  base: 0,
  /** `__u32 limit`: in bytes (already scaled by the granularity bit). */
  limit: 8,
  /** `__u16 selector`. */
  selector: 12,
  /** `__u8 type`: the descriptor's 4-bit type. */
  type: 14,
  /** `__u8 present`. */
  present: 15,
  /** `__u8 dpl`. */
  dpl: 16,
  /** `__u8 db`: default operation size (1 = 32-bit). */
  db: 17,
  /** `__u8 s`: 1 for code/data, 0 for system segments. */
  s: 18,
  /** `__u8 l`: 64-bit code segment. */
  l: 19,
  /** `__u8 g`: granularity (limit in 4 KiB units in the descriptor). */
  g: 20,
  /** `__u8 avl`. */
  avl: 21,
  /** `__u8 unusable`. */
  unusable: 22,
} as const;

/** Byte offsets in x86 `struct kvm_dtable` (GDTR / IDTR). */
export const KVM_DTABLE_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 16,
  /** `__u64 base`. */
  base: 0,
  /** `__u16 limit`. */
  limit: 8,
} as const;

/** Byte offsets in x86 `struct kvm_sregs` (KVM_GET_SREGS / KVM_SET_SREGS). */
export const KVM_SREGS_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 312,
  /** `struct kvm_segment cs`. */
  cs: 0,
  /** `struct kvm_segment ds`. */
  ds: 24,
  /** `struct kvm_segment es`. */
  es: 48,
  /** `struct kvm_segment fs`. */
  fs: 72,
  /** `struct kvm_segment gs`. */
  gs: 96,
  /** `struct kvm_segment ss`. */
  ss: 120,
  /** `struct kvm_segment tr`. */
  tr: 144,
  /** `struct kvm_segment ldt`. */
  ldt: 168,
  /** `struct kvm_dtable gdt`. */
  gdt: 192,
  /** `struct kvm_dtable idt`. */
  idt: 208,
  /** `__u64 cr0`. */
  cr0: 224,
  /** `__u64 cr2`. */
  cr2: 232,
  /** `__u64 cr3`. */
  cr3: 240,
  /** `__u64 cr4`. */
  cr4: 248,
  /** `__u64 cr8`. */
  cr8: 256,
  /** `__u64 efer`. */
  efer: 264,
  /** `__u64 apic_base`. */
  apicBase: 272,
  /** `__u64 interrupt_bitmap[4]`: pending external interrupts. */
  interruptBitmap: 280,
} as const;

/** A segment register in `struct kvm_sregs`. */
export type KvmSegmentName = 'cs' | 'ds' | 'es' | 'fs' | 'gs' | 'ss' | 'tr' | 'ldt';
/** A descriptor-table register in `struct kvm_sregs`. */
export type KvmDtableName = 'gdt' | 'idt';
/** A 64-bit control register (or MSR mirror) in `struct kvm_sregs`. */
export type KvmControlRegName = 'cr0' | 'cr2' | 'cr3' | 'cr4' | 'cr8' | 'efer' | 'apicBase';

/** The fields of a `struct kvm_segment`; the flag fields are 0 or 1. */
export interface KvmSegment {
  /** Segment base address. */
  base: bigint;
  /** Limit in bytes. */
  limit: number;
  /** Selector. */
  selector: number;
  /** 4-bit descriptor type (e.g. 0xb execute/read accessed code, 0x3 read/write accessed data). */
  type: number;
  /** Present. */
  present: number;
  /** Descriptor privilege level. */
  dpl: number;
  /** Default operation size (1 = 32-bit). */
  db: number;
  /** Code/data (1) or system (0) segment. */
  s: number;
  /** 64-bit code segment. */
  l: number;
  /** Granularity. */
  g: number;
  /** Available for software. */
  avl: number;
  /** Unusable (a null selector was loaded). */
  unusable: number;
}

/** The fields of a `struct kvm_dtable`. */
export interface KvmDtable {
  /** Table base address. */
  base: bigint;
  /** Table limit (size in bytes minus one). */
  limit: number;
}

const SEGMENT_FLAGS = ['type', 'present', 'dpl', 'db', 's', 'l', 'g', 'avl', 'unusable'] as const;

/** x86 `struct kvm_sregs`: segment, descriptor-table and control registers. */
export class KvmSregs {
  /** The struct's bytes, as KVM_GET_SREGS fills them and KVM_SET_SREGS reads them. */
  readonly bytes = new Uint8Array(KVM_SREGS_LAYOUT.size);
  readonly #view = new DataView(this.bytes.buffer);

  /** Reads segment register `name`. */
  getSegment(name: KvmSegmentName): KvmSegment {
    const at = KVM_SREGS_LAYOUT[name];
    const view = this.#view;
    const segment: KvmSegment = {
      base: view.getBigUint64(at + KVM_SEGMENT_LAYOUT.base, true),
      limit: view.getUint32(at + KVM_SEGMENT_LAYOUT.limit, true),
      selector: view.getUint16(at + KVM_SEGMENT_LAYOUT.selector, true),
      type: 0,
      present: 0,
      dpl: 0,
      db: 0,
      s: 0,
      l: 0,
      g: 0,
      avl: 0,
      unusable: 0,
    };
    for (const flag of SEGMENT_FLAGS) segment[flag] = view.getUint8(at + KVM_SEGMENT_LAYOUT[flag]);
    return segment;
  }

  /** Writes segment register `name`. */
  setSegment(name: KvmSegmentName, segment: KvmSegment): void {
    const at = KVM_SREGS_LAYOUT[name];
    const view = this.#view;
    view.setBigUint64(at + KVM_SEGMENT_LAYOUT.base, segment.base, true);
    view.setUint32(at + KVM_SEGMENT_LAYOUT.limit, segment.limit, true);
    view.setUint16(at + KVM_SEGMENT_LAYOUT.selector, segment.selector, true);
    for (const flag of SEGMENT_FLAGS) view.setUint8(at + KVM_SEGMENT_LAYOUT[flag], segment[flag]);
  }

  /** Reads descriptor-table register `name`. */
  getTable(name: KvmDtableName): KvmDtable {
    const at = KVM_SREGS_LAYOUT[name];
    return {
      base: this.#view.getBigUint64(at + KVM_DTABLE_LAYOUT.base, true),
      limit: this.#view.getUint16(at + KVM_DTABLE_LAYOUT.limit, true),
    };
  }

  /** Writes descriptor-table register `name`. */
  setTable(name: KvmDtableName, table: KvmDtable): void {
    const at = KVM_SREGS_LAYOUT[name];
    this.#view.setBigUint64(at + KVM_DTABLE_LAYOUT.base, table.base, true);
    this.#view.setUint16(at + KVM_DTABLE_LAYOUT.limit, table.limit, true);
  }

  /** Reads control register `name`. */
  get(name: KvmControlRegName): bigint {
    return this.#view.getBigUint64(KVM_SREGS_LAYOUT[name], true);
  }

  /** Writes control register `name`. */
  set(name: KvmControlRegName, value: bigint): void {
    this.#view.setBigUint64(KVM_SREGS_LAYOUT[name], value, true);
  }
}
