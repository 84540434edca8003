/** Byte offsets in x86 `struct kvm_cpuid2`, the header before its entries. */
export const KVM_CPUID2_LAYOUT = {
  /** Size of the header in bytes (the size the ioctl numbers encode). */
  size: 8,
  /** `__u32 nent`: number of entries (on input to KVM_GET_SUPPORTED_CPUID: room for). */
  nent: 0,
  /** `struct kvm_cpuid_entry2 entries[]`. */
  entries: 8,
} as const;

/** Byte offsets in x86 `struct kvm_cpuid_entry2`. */
export const KVM_CPUID_ENTRY2_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 40,
  /** `__u32 function`: the leaf (eax input). */
  function: 0,
  /** `__u32 index`: the sub-leaf (ecx input). */
  index: 4,
  /** `__u32 flags`: `KVM_CPUID_FLAG_*`. */
  flags: 8,
  /** `__u32 eax`. */
  eax: 12,
  /** `__u32 ebx`. */
  ebx: 16,
  /** `__u32 ecx`. */
  ecx: 20,
  /** `__u32 edx`. */
  edx: 24,
} as const;

/** The fields of a `struct kvm_cpuid_entry2`; all unsigned 32-bit. */
export interface KvmCpuidEntry {
  /** The leaf. */
  function: number;
  /** The sub-leaf. */
  index: number;
  /** `KVM_CPUID_FLAG_*`. */
  flags: number;
  /** Output eax. */
  eax: number;
  /** Output ebx. */
  ebx: number;
  /** Output ecx. */
  ecx: number;
  /** Output edx. */
  edx: number;
}

const ENTRY_FIELDS = ['function', 'index', 'flags', 'eax', 'ebx', 'ecx', 'edx'] as const;

/** x86 `struct kvm_cpuid2`: a list of CPUID entries with room for `capacity` of them. */
export class KvmCpuid2 {
  /** The struct's bytes: the header, then `capacity` entries. */
  readonly bytes: Uint8Array;
  readonly #view: DataView;

  /** Makes an empty list with room for `capacity` entries; `count` starts at `capacity`. */
  constructor(
    /** How many entries the buffer holds. */
    readonly capacity: number,
  ) {
    this.bytes = new Uint8Array(
      KVM_CPUID2_LAYOUT.entries + capacity * KVM_CPUID_ENTRY2_LAYOUT.size,
    );
    this.#view = new DataView(this.bytes.buffer);
    this.count = capacity;
  }

  /** `nent`: the number of valid entries. */
  get count(): number {
    return this.#view.getUint32(KVM_CPUID2_LAYOUT.nent, true);
  }

  set count(value: number) {
    if (value > this.capacity) {
      throw new RangeError(`${value} CPUID entries do not fit in room for ${this.capacity}`);
    }
    this.#view.setUint32(KVM_CPUID2_LAYOUT.nent, value, true);
  }

  /** Reads entry `i`. */
  entry(i: number): KvmCpuidEntry {
    const at = this.#offset(i);
    const entry = { function: 0, index: 0, flags: 0, eax: 0, ebx: 0, ecx: 0, edx: 0 };
    for (const field of ENTRY_FIELDS) {
      entry[field] = this.#view.getUint32(at + KVM_CPUID_ENTRY2_LAYOUT[field], true);
    }
    return entry;
  }

  /** Writes entry `i`. */
  setEntry(i: number, entry: KvmCpuidEntry): void {
    const at = this.#offset(i);
    for (const field of ENTRY_FIELDS) {
      this.#view.setUint32(at + KVM_CPUID_ENTRY2_LAYOUT[field], entry[field] >>> 0, true);
    }
  }

  /** The valid entries, in order. */
  entries(): KvmCpuidEntry[] {
    return Array.from({ length: this.count }, (_, i) => this.entry(i));
  }

  /** A copy holding only the valid entries. */
  clone(): KvmCpuid2 {
    const copy = new KvmCpuid2(this.count);
    copy.bytes.set(this.bytes.subarray(0, copy.bytes.length));
    copy.count = this.count;
    return copy;
  }

  #offset(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.capacity) {
      throw new RangeError(`CPUID entry ${i} is outside room for ${this.capacity}`);
    }
    return KVM_CPUID2_LAYOUT.entries + i * KVM_CPUID_ENTRY2_LAYOUT.size;
  }
}
