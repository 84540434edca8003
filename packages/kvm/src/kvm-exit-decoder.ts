import type { VmExit } from '@vmm/core';
import {
  KVM_EXIT_FAIL_ENTRY,
  KVM_EXIT_HLT,
  KVM_EXIT_INTERNAL_ERROR,
  KVM_EXIT_INTR,
  KVM_EXIT_IO,
  KVM_EXIT_IO_OUT,
  KVM_EXIT_MMIO,
  KVM_EXIT_SHUTDOWN,
  KVM_EXIT_SYSTEM_EVENT,
  KVM_INTERNAL_ERROR_EMULATION,
  KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES,
  KVM_SYSTEM_EVENT_CRASH,
  KVM_SYSTEM_EVENT_RESET,
  KVM_SYSTEM_EVENT_SHUTDOWN,
  kvmExitName,
  kvmInternalErrorDescription,
  kvmSystemEventName,
} from './bindings/kvm-exit-reasons.js';
import { KVM_RUN_LAYOUT } from './bindings/kvm-run.js';

const { io, mmio, internal, emulationFailure, failEntry, systemEvent } = KVM_RUN_LAYOUT;

/** Bytes an MMIO exit can carry (`kvm_run.mmio.data[8]`). */
const MMIO_DATA_SIZE = 8;
/** Distinct I/O data views kept before the cache starts over (string I/O varies the length). */
const IO_VIEW_CACHE_LIMIT = 64;

const HLT: VmExit = Object.freeze({ kind: 'hlt' });
const SHUTDOWN: VmExit = Object.freeze({ kind: 'shutdown' });
const INTERRUPTED: VmExit = Object.freeze({ kind: 'interrupted' });
const POWER_OFF: VmExit = Object.freeze({ kind: 'system-event', event: 'power-off' });
const RESET: VmExit = Object.freeze({ kind: 'system-event', event: 'reset' });
const CRASH: VmExit = Object.freeze({ kind: 'system-event', event: 'crash' });

/**
 * Turns the exit a vCPU's `kvm_run` area describes into a {@link VmExit}. The data of I/O
 * and MMIO exits are views into the area itself (cached, so the hot path allocates only the
 * exit object): handlers read `out`/write data there and fill it for `in`/read exits.
 */
export class KvmExitDecoder {
  readonly #view: DataView;
  readonly #bytes: Uint8Array;
  readonly #mmioViews: Uint8Array[];
  readonly #ioViews = new Map<number, Uint8Array>();

  /** Decodes exits from `run`, the mapped `kvm_run` area of one vCPU. */
  constructor(run: ArrayBuffer) {
    this.#view = new DataView(run);
    this.#bytes = new Uint8Array(run);
    this.#mmioViews = Array.from({ length: MMIO_DATA_SIZE + 1 }, (_, length) =>
      this.#bytes.subarray(mmio.data, mmio.data + length),
    );
  }

  /** The exit the last KVM_RUN reported. */
  decode(): VmExit {
    const view = this.#view;
    const reason = view.getUint32(KVM_RUN_LAYOUT.exitReason, true);
    switch (reason) {
      case KVM_EXIT_IO: {
        const size = view.getUint8(io.size);
        const count = view.getUint32(io.count, true);
        const offset = Number(view.getBigUint64(io.dataOffset, true));
        return {
          kind: 'io',
          direction: view.getUint8(io.direction) === KVM_EXIT_IO_OUT ? 'out' : 'in',
          port: view.getUint16(io.port, true),
          size: size as 1 | 2 | 4,
          count,
          data: this.#ioView(offset, size * count),
        };
      }
      case KVM_EXIT_MMIO:
        return {
          kind: 'mmio',
          isWrite: view.getUint8(mmio.isWrite) !== 0,
          address: view.getBigUint64(mmio.physAddr, true),
          data: this.#mmioViews[Math.min(view.getUint32(mmio.len, true), MMIO_DATA_SIZE)]!,
        };
      case KVM_EXIT_HLT:
        return HLT;
      case KVM_EXIT_SHUTDOWN:
        return SHUTDOWN;
      case KVM_EXIT_INTR:
        return INTERRUPTED;
      case KVM_EXIT_SYSTEM_EVENT:
        return this.#systemEvent(view.getUint32(systemEvent.type, true));
      case KVM_EXIT_INTERNAL_ERROR: {
        const suberror = view.getUint32(internal.suberror, true);
        const words = Math.min(view.getUint32(internal.ndata, true), internal.dataWords);
        const data = Array.from({ length: words }, (_, i) =>
          view.getBigUint64(internal.data + 8 * i, true),
        );
        const exit = {
          kind: 'internal-error',
          suberror,
          description: kvmInternalErrorDescription(suberror),
          data,
        } as const;
        const instructionBytes = this.#emulationFailureBytes(suberror, data);
        return instructionBytes === undefined ? exit : { ...exit, instructionBytes };
      }
      case KVM_EXIT_FAIL_ENTRY:
        return {
          kind: 'fail-entry',
          hardwareReason: view.getBigUint64(failEntry.hardwareEntryFailureReason, true),
        };
      default:
        return { kind: 'unknown', reason, name: kvmExitName(reason) };
    }
  }

  /**
   * The instruction bytes of an emulation failure (`struct kvm_run.emulation_failure`: `flags`
   * in the first data word, then `insn_size` and up to 15 `insn_bytes`), when KVM supplied them
   * (`KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES`, Linux 5.14 and later).
   */
  #emulationFailureBytes(suberror: number, data: readonly bigint[]): Uint8Array | undefined {
    const { flags, insnSize, insnBytes, insnBytesMax } = emulationFailure;
    if (suberror !== KVM_INTERNAL_ERROR_EMULATION || data.length < 3) return undefined;
    const flagBits = this.#view.getBigUint64(flags, true);
    if ((flagBits & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) === 0n) return undefined;
    const size = Math.min(this.#view.getUint8(insnSize), insnBytesMax);
    return this.#bytes.slice(insnBytes, insnBytes + size);
  }

  #systemEvent(type: number): VmExit {
    switch (type) {
      case KVM_SYSTEM_EVENT_SHUTDOWN:
        return POWER_OFF;
      case KVM_SYSTEM_EVENT_RESET:
        return RESET;
      case KVM_SYSTEM_EVENT_CRASH:
        return CRASH;
      default:
        return {
          kind: 'unknown',
          reason: KVM_EXIT_SYSTEM_EVENT,
          name: `${kvmExitName(KVM_EXIT_SYSTEM_EVENT)} (${kvmSystemEventName(type)})`,
        };
    }
  }

  #ioView(offset: number, length: number): Uint8Array {
    const key = offset * 0x1_0000_0000 + length;
    let view = this.#ioViews.get(key);
    if (view === undefined) {
      if (this.#ioViews.size >= IO_VIEW_CACHE_LIMIT) this.#ioViews.clear();
      view = this.#bytes.subarray(offset, offset + length);
      this.#ioViews.set(key, view);
    }
    return view;
  }
}
