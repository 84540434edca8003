import type { Arch } from './arch.js';
import type { BootState } from './boot-state.js';
import type { InterruptController } from './interrupts.js';
import type { VmExit } from './vm-exit.js';

/** Host memory allocated for guest RAM: its host virtual address and a view of its bytes. */
export interface HostMemory {
  /** Host virtual address of the first byte (what the hypervisor maps). */
  readonly hostAddress: bigint;
  /** The bytes, shared with the guest. */
  readonly bytes: Uint8Array;
}

/** One guest RAM slot: `size` bytes of host memory at `hostAddress` seen at `guestAddress`. */
export interface MemorySlot {
  /** Slot number (unique per VM). */
  readonly slot: number;
  /** Guest physical address of the first byte. */
  readonly guestAddress: bigint;
  /** Host virtual address of the first byte. */
  readonly hostAddress: bigint;
  /** Size in bytes (a multiple of the host page size). */
  readonly size: number;
}

/**
 * A structured-cloneable description of a created VM, passed to vCPU worker threads so that
 * each can {@link VirtBackend.attach} to the same VM.
 */
export type VirtHandle = Readonly<Record<string, string | number | bigint | boolean>>;

/** Options for creating a VM. */
export interface VirtOptions {
  /** Number of vCPUs the VM will have (interrupt controllers are sized from it). */
  readonly vcpus: number;
  /**
   * CPU features the guest must not see, by name (x86_64 on KVM: `xsave`, `avx`, `x2apic`, ...,
   * as `@vmm/kvm` lists them); none when omitted. A backend that cannot hide one throws.
   */
  readonly hiddenCpuFeatures?: readonly string[];
  /**
   * Where the guest's physical memory map ends: every address the VM will map (RAM and device
   * regions) lies below it. The backend checks that its guests can address that far, and sizes
   * the guest's address space to it where that is chosen when the VM is made (arm64: the IPA
   * size), throwing `GuestAddressSpaceError` when it cannot. Omitted: no check, and the
   * hypervisor's default size.
   */
  readonly guestAddressSpan?: bigint;
  /**
   * How many memory slots the VM will map ({@link Virt.setUserMemoryRegion}); a backend whose
   * hypervisor has fewer throws `MemorySlotLimitError` before anything is made. Omitted: no
   * check.
   */
  readonly memorySlots?: number;
}

/**
 * A hypervisor VM: memory slots, the interrupt controller and vCPUs. Implemented by
 * `@vmm/kvm` and `@vmm/hvp`; used by `@vmm/machine`, which never learns which one it has.
 */
export interface Virt {
  /** The guest architecture. */
  readonly arch: Arch;
  /** What a worker thread needs to attach to this VM. */
  readonly handle: VirtHandle;
  /**
   * Creates the in-kernel interrupt controller (x86: PIC + IOAPIC + PIT; aarch64: GICv3).
   * Call once, on the creating thread, before any vCPU runs.
   */
  createIrqChip(): void;
  /** Allocates page-aligned host memory suitable for guest RAM. */
  allocateMemory(size: number): HostMemory;
  /** A view of host memory allocated (by any thread of this process) with `allocateMemory`. */
  viewMemory(hostAddress: bigint, size: number): Uint8Array;
  /** Maps host memory into the guest's physical address space. */
  setUserMemoryRegion(slot: MemorySlot): void;
  /** The interrupt controller, for devices to raise lines from this thread. */
  readonly interrupts: InterruptController;
  /** Creates vCPU `id`. Call it on the thread that will run the vCPU. */
  createVcpu(id: number): Vcpu;
  /**
   * Makes the vCPU behind `kickHandle` (see {@link Vcpu.kickHandle}) leave the guest: its
   * current or next `run()` returns an `interrupted` exit. Callable from any thread; this is
   * how a VM is stopped while a vCPU waits in the guest (KVM: a signal that the vCPU thread
   * unblocks only inside `KVM_RUN`; Hypervisor.framework: `hv_vcpus_exit`).
   */
  kick(kickHandle: VirtHandle): void;
  /**
   * Optional (x86): has the hypervisor buffer the guest's writes to ports `[port, port + size)`
   * instead of leaving the guest for each (`buffered` true), or stops that. Buffered writes
   * come out of {@link Vcpu.run} as ordinary `out` exits, in order, before the exit that
   * followed them; a write that nothing follows waits for the next exit, which a
   * {@link Virt.kick} forces. Only for a VM of one vCPU. Returns false when the backend cannot
   * buffer (then nothing changed). KVM: coalesced port I/O zones.
   */
  bufferPortWrites?(port: number, size: number, buffered: boolean): boolean;
  /** Releases the VM's host resources held by this thread. */
  close(): void;
}

/** One virtual CPU. Lives on the thread that created it. */
export interface Vcpu {
  /** vCPU index, 0 for the boot processor. */
  readonly id: number;
  /** Loads registers so the vCPU starts as `state` describes. */
  setBootState(state: BootState): void;
  /**
   * Runs the guest until it exits to the VMM and returns why. For `in` and MMIO read exits,
   * fill `exit.data` before calling `run` again.
   */
  run(): VmExit;
  /** What another thread passes to {@link Virt.kick} to interrupt this vCPU. */
  readonly kickHandle: VirtHandle;
  /** The main registers in one line (instruction pointer, stack, flags/mode), for error reports. */
  describeRegisters(): string;
  /**
   * Answers the guest's one-byte `in` from `port` on this vCPU without returning to the VMM's
   * JavaScript, where the backend can: the value is the low byte of `word[0]` (an `Int32Array`
   * on a `SharedArrayBuffer`, which the port's device keeps current from any thread), unless a
   * bit above {@link INLINE_READ_VALUE_MASK} is set, when the read exits as any other. For a
   * status register polled once per byte (a UART's LSR) this halves a console's exits to
   * JavaScript. Returns false, changing nothing, where the backend cannot (not x86 KVM).
   * Call on the vCPU's thread before it runs; `word` must stay unchanged in place.
   */
  answerPortReads?(port: number, word: Int32Array): boolean;
  /** Releases the vCPU's host resources. */
  close(): void;
}

/**
 * A hypervisor backend as a module exports it. `create` runs on the main thread; `attach`
 * runs in each vCPU worker with the handle of the created VM.
 */
export interface VirtBackend {
  /** Short name used on the command line (`kvm`, `hvp`). */
  readonly name: string;
  /**
   * The architecture of the guests this backend runs on this host, known without creating a VM
   * (so that a guest's files can be checked first). Throws the error `create` would throw when
   * the host cannot run this backend at all.
   */
  guestArch(): Arch;
  /** Creates a VM. Throws a clear error if this host cannot run this backend. */
  create(options: VirtOptions): Virt;
  /** Attaches to a VM created (in this process) by `create`. */
  attach(handle: VirtHandle): Virt;
}
