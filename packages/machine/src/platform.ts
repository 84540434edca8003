import type { InterruptController, MmioBus, PioBus } from '@vmm/core';
import type { VmOutcome } from './vm-outcome.js';

/** The buses of the guest platform as one vCPU thread sees them. */
export interface Platform {
  /** Port I/O devices (x86 only; empty elsewhere). */
  readonly pio: PioBus;
  /** Memory-mapped devices. */
  readonly mmio: MmioBus;
  /**
   * Port reads the hypervisor may answer from a device's shared word without an exit to
   * JavaScript (`Vcpu.answerPortReads`): COM1's line status on x86.
   */
  readonly inlinePortReads?: readonly InlinePortRead[];
}

/** A port whose one-byte reads a shared word answers (see `Vcpu.answerPortReads`). */
export interface InlinePortRead {
  /** The port. */
  readonly port: number;
  /** The word the device keeps current: the byte in bits 7:0, deferring bits above. */
  readonly word: Int32Array;
}

/** How a vCPU thread's devices are wired. */
export interface PlatformWiring {
  /** The console UART's shared state. */
  readonly uartState: SharedArrayBuffer;
  /**
   * The shared state of the platform's other devices with registers (see
   * `ArchProfile.createBoardState`): the x86 PC's i8042 and CMOS RTC; empty on aarch64.
   */
  readonly boardState: SharedArrayBuffer;
  /** Where the console UART's output goes. */
  readonly consoleSink: (bytes: Uint8Array) => void;
  /** The interrupt controller as reachable from this thread. */
  readonly interrupts: InterruptController;
  /** Ends the VM (a device asked: reset line, ACPI sleep). */
  readonly endVm: (outcome: VmOutcome) => void;
  /** Buffers port writes in the hypervisor (x86; see `Virt.bufferPortWrites`), when allowed. */
  readonly bufferPortWrites?: ((port: number, size: number, buffered: boolean) => void) | undefined;
}
