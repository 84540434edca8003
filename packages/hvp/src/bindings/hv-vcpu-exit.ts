/**
 * Layout of `hv_vcpu_exit_t` (`<Hypervisor/hv_vcpu_types.h>`): `hv_exit_reason_t reason`
 * (uint32_t) then `hv_vcpu_exit_exception_t exception` = { `syndrome` (ESR_EL2),
 * `virtual_address` (FAR_EL2), `physical_address` (the faulting IPA) }, three uint64_t, so the
 * reason is padded to 8 bytes. `hv_vcpu_create` hands back a pointer to the framework's copy,
 * which `hv_vcpu_run` refreshes on every return.
 */
export const HV_VCPU_EXIT_LAYOUT = {
  /** Offset of `reason` (uint32_t). */
  reason: 0,
  /** Offset of `exception.syndrome` (uint64_t, ESR_EL2). */
  syndrome: 8,
  /** Offset of `exception.virtual_address` (uint64_t, FAR_EL2). */
  virtualAddress: 16,
  /** Offset of `exception.physical_address` (uint64_t, the intermediate physical address). */
  physicalAddress: 24,
  /** `sizeof(hv_vcpu_exit_t)`. */
  size: 32,
} as const;

/** Reads the fields of one vCPU's `hv_vcpu_exit_t` in place (no copies). */
export class HvVcpuExitView {
  readonly #view: DataView;

  /** Reads the `hv_vcpu_exit_t` whose {@link HV_VCPU_EXIT_LAYOUT.size} bytes `bytes` covers. */
  constructor(bytes: Uint8Array) {
    if (bytes.byteLength < HV_VCPU_EXIT_LAYOUT.size) {
      throw new RangeError(
        `an hv_vcpu_exit_t is ${HV_VCPU_EXIT_LAYOUT.size} bytes, got ${bytes.byteLength}`,
      );
    }
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, HV_VCPU_EXIT_LAYOUT.size);
  }

  /** `reason`: an `HvExitReason`. */
  get reason(): number {
    return this.#view.getUint32(HV_VCPU_EXIT_LAYOUT.reason, true);
  }

  /** `exception.syndrome`: ESR_EL2 of the trap. */
  get syndrome(): bigint {
    return this.#view.getBigUint64(HV_VCPU_EXIT_LAYOUT.syndrome, true);
  }

  /** `exception.virtual_address`: FAR_EL2, the faulting guest virtual address. */
  get virtualAddress(): bigint {
    return this.#view.getBigUint64(HV_VCPU_EXIT_LAYOUT.virtualAddress, true);
  }

  /** `exception.physical_address`: the faulting intermediate (guest physical) address. */
  get physicalAddress(): bigint {
    return this.#view.getBigUint64(HV_VCPU_EXIT_LAYOUT.physicalAddress, true);
  }
}
