import type { Arch, BootState } from '@vmm/core';
import type { KvmSystem } from './kvm-system.js';
import type { KvmVcpu } from './kvm-vcpu.js';
import type { KvmVirt } from './kvm-virt.js';

/**
 * Every step of running a KVM guest that differs between host architectures, as one object
 * per architecture (`x86_64KvmArchitecture`, `aarch64KvmArchitecture`). {@link KvmVirt} and
 * {@link KvmVcpu} call it at those steps instead of branching on the architecture.
 */
export interface KvmArchitecture {
  /** The guest architecture: always the host's, since KVM runs guests of its own kind. */
  readonly arch: Arch;
  /** The capabilities (`KVM_CAP_<name>` -> number) a VM needs, checked before it is created. */
  readonly requiredCapabilities: Readonly<Record<string, number>>;
  /**
   * The KVM_CREATE_VM machine type for a VM whose memory map ends at `span` (see
   * `VirtOptions.guestAddressSpan`; undefined: the default), after checking that its guests can
   * address that far (x86: the physical address width of KVM's CPUID; arm64: the IPA size).
   * Throws `GuestAddressSpaceError` when they cannot.
   */
  vmType(system: KvmSystem, span: bigint | undefined): number;
  /**
   * Sets up a VM right after KVM_CREATE_VM, on the owner's thread (x86: the real-mode helper
   * pages; arm64: every vCPU, created and initialised up front).
   */
  setUpVm(virt: KvmVirt): void;
  /**
   * Checks, before the VM is created, that the CPU features named can be hidden from its guest
   * (see `VirtOptions.hiddenCpuFeatures`); throws a `VmmError` otherwise.
   */
  checkHiddenCpuFeatures(names: readonly string[]): void;
  /** Creates the in-kernel interrupt controller (x86: PIC, IOAPIC and PIT; arm64: a vGICv3). */
  createIrqChip(virt: KvmVirt): void;
  /**
   * Sets up a vCPU on the thread that will run it, once its fd and `kvm_run` area are in
   * place (x86: CPUID and local APIC pins; arm64: nothing left to do).
   */
  setUpVcpu(vcpu: KvmVcpu, virt: KvmVirt): void;
  /** Loads the registers `state` describes; rejects a boot mode of another architecture. */
  applyBootState(vcpu: KvmVcpu, state: BootState): void;
  /** The main registers in one line; may throw if they cannot be read. */
  describeRegisters(vcpu: KvmVcpu): string;
  /**
   * The `kvm_irq_level.irq` KVM_IRQ_LINE takes for interrupt input `line` of the VM's
   * `InterruptController` (x86: the GSI itself; arm64: the encoded SPI). Throws a `VmmError`
   * for a line the controller does not have.
   */
  irqLine(line: number): number;
}
