/** Layout of arm64 `struct kvm_vcpu_init` (KVM_ARM_PREFERRED_TARGET, KVM_ARM_VCPU_INIT). */
export const KVM_VCPU_INIT_LAYOUT = {
  /** Size of the struct in bytes. */
  size: 32,
  /** `__u32 target`: the CPU model KVM emulates (`KVM_ARM_TARGET_*`). */
  target: 0,
  /** `__u32 features[7]`: a bitmap of `KVM_ARM_VCPU_*` features. */
  features: 4,
  /** Number of 32-bit words in `features`. */
  featureWords: 7,
} as const;

/**
 * vCPU feature bits (`KVM_ARM_VCPU_*`, bit numbers in `features`, from
 * `arch/arm64/include/uapi/asm/kvm.h`).
 */
export const KvmArmVcpuFeature = {
  /** The vCPU starts powered off and waits for a PSCI CPU_ON. */
  POWER_OFF: 0,
  /** The vCPU runs AArch32 at EL1. */
  EL1_32BIT: 1,
  /** The vCPU speaks PSCI 0.2 or later (SYSTEM_OFF, SYSTEM_RESET, CPU_ON ...), in the kernel. */
  PSCI_0_2: 2,
  /** The vCPU has a PMUv3. */
  PMU_V3: 3,
} as const;

/** arm64 `struct kvm_vcpu_init`: a CPU target and its feature bitmap. A new one is all zeros. */
export class KvmVcpuInit {
  /** The struct's bytes, as KVM_ARM_PREFERRED_TARGET fills them and KVM_ARM_VCPU_INIT reads them. */
  readonly bytes = new Uint8Array(KVM_VCPU_INIT_LAYOUT.size);
  readonly #view = new DataView(this.bytes.buffer);

  /** The target CPU model (`KVM_ARM_TARGET_*`). */
  get target(): number {
    return this.#view.getUint32(KVM_VCPU_INIT_LAYOUT.target, true);
  }

  set target(value: number) {
    this.#view.setUint32(KVM_VCPU_INIT_LAYOUT.target, value, true);
  }

  /** Whether feature bit `feature` (`KvmArmVcpuFeature.*`) is set. */
  hasFeature(feature: number): boolean {
    return (this.#featureWord(feature) & featureMask(feature)) !== 0;
  }

  /** Sets feature bit `feature` (`KvmArmVcpuFeature.*`). */
  addFeature(feature: number): void {
    const at = featureWordOffset(feature);
    this.#view.setUint32(at, (this.#view.getUint32(at, true) | featureMask(feature)) >>> 0, true);
  }

  /** A copy with the same target and features. */
  clone(): KvmVcpuInit {
    const copy = new KvmVcpuInit();
    copy.bytes.set(this.bytes);
    return copy;
  }

  #featureWord(feature: number): number {
    return this.#view.getUint32(featureWordOffset(feature), true);
  }
}

function featureWordOffset(feature: number): number {
  const word = Math.floor(feature / 32);
  if (!Number.isInteger(feature) || feature < 0 || word >= KVM_VCPU_INIT_LAYOUT.featureWords) {
    throw new RangeError(`vCPU feature bit ${feature} is outside kvm_vcpu_init's 224 bits`);
  }
  return KVM_VCPU_INIT_LAYOUT.features + 4 * word;
}

function featureMask(feature: number): number {
  return (1 << (feature % 32)) >>> 0;
}
