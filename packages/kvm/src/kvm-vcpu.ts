import { VmmError, hex, type BootState, type Vcpu, type VmExit } from '@vmm/core';
import {
  KVM_GET_LAPIC,
  KVM_GET_ONE_REG,
  KVM_GET_REGS,
  KVM_GET_SREGS,
  KVM_RUN,
  KVM_SET_CPUID2,
  KVM_SET_FPU,
  KVM_SET_LAPIC,
  KVM_SET_MSRS,
  KVM_SET_ONE_REG,
  KVM_SET_REGS,
  KVM_SET_SREGS,
} from './bindings/ioctl-numbers.js';
import { encodeKvmOneReg } from './bindings/kvm-one-reg.js';
import type { KvmCpuid2 } from './bindings/x86_64/kvm-cpuid2.js';
import type { KvmFpu } from './bindings/x86_64/kvm-fpu.js';
import { KvmLapicState } from './bindings/x86_64/kvm-lapic-state.js';
import { encodeKvmMsrs, type MsrEntry } from './bindings/x86_64/kvm-msrs.js';
import { KvmRegs } from './bindings/x86_64/kvm-regs.js';
import { KvmSregs } from './bindings/x86_64/kvm-sregs.js';
import { InlinePortReadRunner } from './arch/x86_64/inline-port-read-runner.js';
import { CoalescedPioRing } from './coalesced-pio-ring.js';
import { Errno } from './errno.js';
import type { KvmArchitecture } from './kvm-architecture.js';
import { KvmError } from './kvm-error.js';
import { KvmExitDecoder } from './kvm-exit-decoder.js';
import { libc, type Libc } from './libc.js';
import { NativeBuffer } from './native-buffer.js';
import { drainKicks, kickHandleOfThisThread, type KvmKickHandle } from './vcpu-kick.js';

const INTERRUPTED: VmExit = Object.freeze({ kind: 'interrupted' });

/** Where a VM's coalesced-writes ring lies in a vCPU's mapping. */
export interface CoalescedRingPlace {
  /** Byte offset of the ring page from the start of the `kvm_run` mapping. */
  readonly offset: number;
  /** The page's size. */
  readonly size: number;
}

/** Bytes of a register value KVM_GET_ONE_REG / KVM_SET_ONE_REG move (`KVM_REG_SIZE_U64`). */
const ONE_REG_VALUE_SIZE = 8;

/**
 * One KVM vCPU file descriptor and its mapped `kvm_run` area. Like rust-vmm's `VcpuFd`: one
 * method per ioctl, plus the {@link Vcpu} contract (`run`, `setBootState`). Use it on the
 * thread that created it; {@link KvmVirt.createVcpu} makes it.
 */
export class KvmVcpu implements Vcpu {
  readonly #libc: Libc;
  readonly #runAddress: bigint;
  readonly #runSize: number;
  readonly #decoder: KvmExitDecoder;
  readonly #architecture: KvmArchitecture;
  readonly #ownsFd: boolean;
  /** The VM's coalesced-writes ring (x86 with KVM_CAP_COALESCED_PIO), drained by `run`. */
  readonly #ring: CoalescedPioRing | undefined;
  /** An exit `run` holds back until the buffered writes before it are delivered. */
  #heldExit: VmExit | undefined;
  /** The native run loop answering one port's reads, once {@link answerPortReads} set it up. */
  #inlineReads: InlinePortReadRunner | undefined;
  /** Native home of the value KVM_GET_ONE_REG / KVM_SET_ONE_REG read and write. */
  #oneRegValue: NativeBuffer | undefined;
  #closed = false;

  /** What another thread passes to {@link KvmVirt.kick} to interrupt this vCPU. */
  readonly kickHandle: KvmKickHandle;
  /**
   * How many port writes KVM buffered that `run` has delivered (see
   * {@link KvmVirt.bufferPortWrites}).
   */
  bufferedWritesDelivered = 0;

  /**
   * Wraps vCPU `id` whose file descriptor is `fd` and whose `kvm_run` area is mapped at
   * `runAddress` (`runSize` bytes), run by the calling thread, with the arch-specific steps of
   * `architecture`. The vCPU owns the mapping from now on, and the fd too when `ownsFd` (false
   * for an arm64 vCPU created up front, whose fd the VM's owner closes). `ring` says where the
   * mapping holds the VM's coalesced-writes ring, when KVM buffers port writes.
   */
  constructor(
    /** vCPU index (its APIC id on x86, its MPIDR_EL1 Aff0 on arm64 below 16 vCPUs). */
    readonly id: number,
    /** The vCPU file descriptor. */
    readonly fd: number,
    runAddress: bigint,
    runSize: number,
    architecture: KvmArchitecture,
    ownsFd: boolean,
    ring?: CoalescedRingPlace,
  ) {
    this.#libc = libc();
    this.kickHandle = kickHandleOfThisThread(this.#libc, id);
    this.#runAddress = runAddress;
    this.#runSize = runSize;
    if (ring !== undefined && ring.offset + ring.size <= runSize) {
      const address = runAddress + BigInt(ring.offset);
      this.#ring = new CoalescedPioRing(this.#libc.view(address, ring.size));
    }
    this.#architecture = architecture;
    this.#ownsFd = ownsFd;
    this.#decoder = new KvmExitDecoder(this.#libc.view(runAddress, runSize));
  }

  /**
   * KVM_RUN: runs the guest until it exits to userspace and decodes why. A run interrupted
   * by a kick or another signal (EINTR, EAGAIN) returns `{ kind: 'interrupted' }`; other
   * failures throw {@link KvmError}. Port writes KVM buffered meanwhile (see
   * {@link KvmVirt.bufferPortWrites}) come out first, each run of writes of one size to one
   * port as one `out` exit, and the exit that followed them after. A closed vCPU throws
   * {@link KvmError} (EBADF) before anything reads its `kvm_run` area, which closing unmapped.
   */
  run(): VmExit {
    if (this.#closed) this.#throwClosed('KVM_RUN');
    const ring = this.#ring;
    if (ring !== undefined) {
      const buffered = ring.next();
      if (buffered !== undefined) {
        this.bufferedWritesDelivered += buffered.count;
        return buffered;
      }
      const held = this.#heldExit;
      if (held !== undefined) {
        this.#heldExit = undefined;
        return held;
      }
    }
    const exit = this.#enter();
    if (ring === undefined || !ring.pending) return exit;
    this.#heldExit = exit;
    return this.run();
  }

  /**
   * Has `run` answer the guest's one-byte reads of `port` from `word` inside a native run loop
   * ({@link InlinePortReadRunner}), without an exit to JavaScript while the word's upper bits
   * are clear (see `Vcpu.answerPortReads`). Only x86 vCPUs on an x86-64 host can: elsewhere it
   * returns false. A second call replaces the first.
   *
   * @throws {@link KvmError} when the loop's code page cannot be set up.
   */
  answerPortReads(port: number, word: Int32Array): boolean {
    if (this.#closed) this.#throwClosed('answerPortReads');
    if (this.#architecture.arch !== 'x86_64' || process.arch !== 'x64') return false;
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
      throw new RangeError(`port must be a whole number from 0 to 0xffff; got ${port}`);
    }
    this.#inlineReads?.close();
    this.#inlineReads = new InlinePortReadRunner(this.#libc, port, word);
    return true;
  }

  /** How many port reads the native run loop has answered without JavaScript. */
  get inlineReadsAnswered(): number {
    return this.#inlineReads?.answered ?? 0;
  }

  /** One KVM_RUN: the exit it reports, or `interrupted` for a kick. */
  #enter(): VmExit {
    const errno = this.#runOnce();
    if (errno !== 0) {
      if (errno === Errno.EINTR || errno === Errno.EAGAIN) {
        drainKicks(this.#libc);
        return INTERRUPTED;
      }
      throw new KvmError('KVM_RUN', errno, `vCPU ${this.id}`);
    }
    return this.#decoder.decode();
  }

  /** KVM_RUN through the inline-read loop or one ioctl: 0, or the errno it failed with. */
  #runOnce(): number {
    const inline = this.#inlineReads;
    if (inline !== undefined) return -inline.run(this.fd, this.#runAddress);
    return this.#libc.ioctlValue(this.fd, KVM_RUN, 0) < 0 ? this.#libc.errno() : 0;
  }

  /**
   * Loads registers so the vCPU starts as `state` says: x86 long or real mode on an x86_64
   * host, the arm64 Linux entry (`aarch64`) on an arm64 one. A mode of the other
   * architecture throws a {@link VmmError}.
   */
  setBootState(state: BootState): void {
    this.#architecture.applyBootState(this, state);
  }

  /**
   * KVM_GET_ONE_REG: the 64-bit register `id` (a `KVM_REG_*` id such as
   * `Arm64Register.PC`).
   */
  getOneReg(id: bigint): bigint {
    const value = this.#oneRegBuffer('KVM_GET_ONE_REG');
    this.#ioctl('KVM_GET_ONE_REG', KVM_GET_ONE_REG, encodeKvmOneReg(id, value.address), id);
    return value.view.getBigUint64(0, true);
  }

  /** KVM_SET_ONE_REG: writes `value` to the 64-bit register `id`. */
  setOneReg(id: bigint, value: bigint): void {
    const native = this.#oneRegBuffer('KVM_SET_ONE_REG');
    native.view.setBigUint64(0, BigInt.asUintN(64, value), true);
    this.#ioctl('KVM_SET_ONE_REG', KVM_SET_ONE_REG, encodeKvmOneReg(id, native.address), id);
  }

  /** KVM_GET_REGS: the general-purpose registers, `rip` and `rflags`. */
  getRegs(): KvmRegs {
    const regs = new KvmRegs();
    this.#ioctl('KVM_GET_REGS', KVM_GET_REGS, regs.bytes);
    return regs;
  }

  /** KVM_SET_REGS: writes the general-purpose registers, `rip` and `rflags`. */
  setRegs(regs: KvmRegs): void {
    this.#ioctl('KVM_SET_REGS', KVM_SET_REGS, regs.bytes);
  }

  /** KVM_GET_SREGS: segment, descriptor-table and control registers. */
  getSregs(): KvmSregs {
    const sregs = new KvmSregs();
    this.#ioctl('KVM_GET_SREGS', KVM_GET_SREGS, sregs.bytes);
    return sregs;
  }

  /** KVM_SET_SREGS: writes segment, descriptor-table and control registers. */
  setSregs(sregs: KvmSregs): void {
    this.#ioctl('KVM_SET_SREGS', KVM_SET_SREGS, sregs.bytes);
  }

  /** KVM_SET_FPU: writes the x87 and SSE state. */
  setFpu(fpu: KvmFpu): void {
    this.#ioctl('KVM_SET_FPU', KVM_SET_FPU, fpu.bytes);
  }

  /** KVM_SET_CPUID2: sets the CPUID leaves the guest sees. Call before the first run. */
  setCpuid2(cpuid: KvmCpuid2): void {
    this.#ioctl('KVM_SET_CPUID2', KVM_SET_CPUID2, cpuid.bytes);
  }

  /**
   * KVM_SET_MSRS: writes model-specific registers. Throws if KVM refuses any of them, naming
   * the first one refused.
   */
  setMsrs(entries: readonly MsrEntry[]): void {
    const written = this.#ioctl('KVM_SET_MSRS', KVM_SET_MSRS, encodeKvmMsrs(entries));
    if (written < entries.length) {
      const refused = entries[written]!;
      throw new VmmError(
        `KVM_SET_MSRS wrote ${written} of ${entries.length} MSRs on vCPU ${this.id}: ` +
          `MSR ${hex(refused.index)} (value ${hex(refused.data)}) was refused`,
      );
    }
  }

  /** KVM_GET_LAPIC: the in-kernel local APIC's registers (fails with EINVAL without an irqchip). */
  getLapic(): KvmLapicState {
    const lapic = new KvmLapicState();
    this.#ioctl('KVM_GET_LAPIC', KVM_GET_LAPIC, lapic.bytes);
    return lapic;
  }

  /** KVM_SET_LAPIC: writes the in-kernel local APIC's registers. */
  setLapic(lapic: KvmLapicState): void {
    this.#ioctl('KVM_SET_LAPIC', KVM_SET_LAPIC, lapic.bytes);
  }

  /**
   * The main registers in one line for error reports: on x86_64
   * `rip=… rsp=… rflags=… cr0=… cr3=… cr4=… efer=… cs=…`, on arm64
   * `pc=… sp=… pstate=… sp_el1=…`. Never throws: if they cannot be read, the line says why.
   */
  describeRegisters(): string {
    try {
      return this.#architecture.describeRegisters(this);
    } catch (error) {
      return `registers unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /**
   * Unmaps the `kvm_run` area and closes the vCPU fd (unless the VM's owner holds it: arm64).
   * Safe to call twice.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inlineReads?.close();
    this.#libc.munmap(this.#runAddress, this.#runSize);
    this.#oneRegValue?.free();
    if (this.#ownsFd) this.#libc.close(this.fd);
  }

  #oneRegBuffer(name: string): NativeBuffer {
    if (this.#closed) this.#throwClosed(name);
    this.#oneRegValue ??= new NativeBuffer(this.#libc, ONE_REG_VALUE_SIZE);
    return this.#oneRegValue;
  }

  #ioctl(name: string, request: number, arg: Uint8Array, register?: bigint): number {
    if (this.#closed) this.#throwClosed(name);
    const result = this.#libc.ioctlBuffer(this.fd, request, arg);
    if (result < 0) {
      const what = register === undefined ? '' : `, register ${hex(register)}`;
      throw new KvmError(name, this.#libc.errno(), `vCPU ${this.id}${what}`);
    }
    return result;
  }

  #throwClosed(name: string): never {
    throw new KvmError(name, Errno.EBADF, `vCPU ${this.id} is closed`);
  }
}
