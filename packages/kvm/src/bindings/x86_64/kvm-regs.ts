/** Byte offsets in x86 `struct kvm_regs` (KVM_GET_REGS / KVM_SET_REGS): 18 `__u64`s. */
export const KVM_REGS_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 144,
  /** `rax`. */
  rax: 0,
  /** `rbx`. */
  rbx: 8,
  /** `rcx`. */
  rcx: 16,
  /** `rdx`. */
  rdx: 24,
  /** `rsi`. */
  rsi: 32,
  /** `rdi`. */
  rdi: 40,
  /** `rsp`. */
  rsp: 48,
  /** `rbp`. */
  rbp: 56,
  /** `r8`. */
  r8: 64,
  /** `r9`. */
  r9: 72,
  /** `r10`. */
  r10: 80,
  /** `r11`. */
  r11: 88,
  /** `r12`. */
  r12: 96,
  /** `r13`. */
  r13: 104,
  /** `r14`. */
  r14: 112,
  /** `r15`. */
  r15: 120,
  /** `rip`. */
  rip: 128,
  /** `rflags`. */
  rflags: 136,
} as const;

/** A register held in `struct kvm_regs`. */
export type KvmRegName = Exclude<keyof typeof KVM_REGS_LAYOUT, 'size'>;

/** x86 `struct kvm_regs`: the general-purpose registers, `rip` and `rflags`. */
export class KvmRegs {
  /** The struct's bytes, as KVM_GET_REGS fills them and KVM_SET_REGS reads them. */
  readonly bytes = new Uint8Array(KVM_REGS_LAYOUT.size);
  readonly #view = new DataView(this.bytes.buffer);

  /** Reads register `name`. */
  get(name: KvmRegName): bigint {
    return this.#view.getBigUint64(KVM_REGS_LAYOUT[name], true);
  }

  /** Writes register `name`. */
  set(name: KvmRegName, value: bigint): void {
    this.#view.setBigUint64(KVM_REGS_LAYOUT[name], value, true);
  }
}
