/** Byte offsets in x86 `struct kvm_fpu` (KVM_SET_FPU). */
export const KVM_FPU_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 416,
  /** `__u8 fpr[8][16]`: the x87 registers. */
  fpr: 0,
  /** `__u16 fcw`: x87 control word. */
  fcw: 128,
  /** `__u16 fsw`: x87 status word. */
  fsw: 130,
  /** `__u8 ftwx`: abridged x87 tag word. */
  ftwx: 132,
  /** `__u16 last_opcode`. */
  lastOpcode: 134,
  /** `__u64 last_ip`. */
  lastIp: 136,
  /** `__u64 last_dp`. */
  lastDp: 144,
  /** `__u8 xmm[16][16]`. */
  xmm: 152,
  /** `__u32 mxcsr`: SSE control/status. */
  mxcsr: 408,
} as const;

/** x86 `struct kvm_fpu`: the x87 and SSE state. A new one is all zeros. */
export class KvmFpu {
  /** The struct's bytes, as KVM_SET_FPU reads them. */
  readonly bytes = new Uint8Array(KVM_FPU_LAYOUT.size);
  readonly #view = new DataView(this.bytes.buffer);

  /** The x87 control word. */
  get fcw(): number {
    return this.#view.getUint16(KVM_FPU_LAYOUT.fcw, true);
  }

  set fcw(value: number) {
    this.#view.setUint16(KVM_FPU_LAYOUT.fcw, value, true);
  }

  /** The SSE control/status register. */
  get mxcsr(): number {
    return this.#view.getUint32(KVM_FPU_LAYOUT.mxcsr, true);
  }

  set mxcsr(value: number) {
    this.#view.setUint32(KVM_FPU_LAYOUT.mxcsr, value, true);
  }
}
