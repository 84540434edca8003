import {
  aarch64Layout,
  interruptLine,
  x86_64Layout,
  type Arch,
  type InterruptController,
} from '@vmm/core';
import { BzImageLoader, ImageLoader, type BootLoader } from '@vmm/bootloader';
import { Pl011Input, Pl011SharedState, Uart8250Input, Uart8250SharedState } from '@vmm/devices';
import type { KernelDecompression } from './machine-config.js';
import type { Platform, PlatformWiring } from './platform.js';
import { PLATFORM_BUILDERS } from './platform-builders.js';
import { createX86BoardState } from './x86-platform.js';

/** One run of guest RAM. */
export interface RamRange {
  /** Guest physical address of the first byte. */
  readonly guestAddress: bigint;
  /** Size in bytes. */
  readonly size: number;
}

/** A guest-physical range the platform itself uses, where no custom device may go. */
export interface ReservedRange {
  /** First address. */
  readonly address: bigint;
  /** Size in bytes. */
  readonly size: bigint;
  /** What is there, for error messages. */
  readonly label: string;
}

/** The main thread's side of the console UART: where keystrokes go. */
export interface ConsoleInput {
  /** Queues bytes for the guest and raises the UART's interrupt; returns how many it took. */
  push(bytes: Uint8Array): number;
  /** How many bytes the receive FIFO can take now. */
  readonly space: number;
}

/**
 * Everything about a machine that depends on the guest architecture: where RAM goes, how a
 * Linux kernel is loaded, which devices exist and where, and the console UART.
 */
export interface ArchProfile {
  /** The architecture. */
  readonly arch: Arch;
  /** The kernel command line a Linux guest gets when none is given. */
  readonly defaultCmdline: string;
  /** Where `ramSize` bytes of RAM live in the guest physical address space. */
  ramRanges(ramSize: number): RamRange[];
  /** The loader for a Linux kernel of this architecture (`decompression`: x86_64 only). */
  linuxLoader(
    kernel: Uint8Array,
    initrd: Uint8Array | undefined,
    cmdline: string,
    decompression: KernelDecompression,
  ): BootLoader;
  /** Guest-physical ranges the platform occupies outside RAM. */
  reservedRanges(vcpus: number): ReservedRange[];
  /** Allocates the console UART's shared state. */
  createUartState(): SharedArrayBuffer;
  /**
   * Allocates the shared state of the platform's other devices with registers, at their reset
   * values, for a machine with `ramSize` bytes of RAM: one buffer that every vCPU thread's
   * devices are built around (`PlatformWiring.boardState`), so that each device is one device
   * whichever vCPU the guest reaches it from.
   */
  createBoardState(ramSize: number): SharedArrayBuffer;
  /** The main-thread input side of the console UART. */
  consoleInput(uartState: SharedArrayBuffer, interrupts: InterruptController): ConsoleInput;
  /** Builds the platform devices on a vCPU thread. */
  buildPlatform(wiring: PlatformWiring): Platform;
}

/** The x86_64 PC: RAM around the 32-bit MMIO gap, bzImage, COM1, i8042, RTC. */
const x86_64Profile: ArchProfile = {
  arch: 'x86_64',
  defaultCmdline: 'console=ttyS0 reboot=k panic=-1',
  ramRanges: (ramSize) => x86_64Layout.ramRanges(ramSize),
  linuxLoader: (kernel, initrd, cmdline, decompression) =>
    new BzImageLoader({ kernel, initrd, cmdline, decompression }),
  reservedRanges: () => [
    { address: x86_64Layout.IOAPIC_START, size: 0x1000n, label: 'the IOAPIC' },
    { address: x86_64Layout.APIC_START, size: 0x1000n, label: 'the local APIC' },
  ],
  createUartState: () => Uart8250SharedState.create().buffer,
  createBoardState: (ramSize) =>
    createX86BoardState(
      x86_64Layout.ramRanges(ramSize).find((range) => range.guestAddress === 0n)?.size ?? 0,
    ),
  consoleInput: (uartState, interrupts) =>
    new Uart8250Input({
      state: new Uart8250SharedState(uartState),
      irq: interruptLine(interrupts, x86_64Layout.COM1_IRQ),
    }),
  buildPlatform: PLATFORM_BUILDERS.x86_64,
};

/** The aarch64 virt machine: RAM from 1 GiB, arm64 Image + device tree, PL011, GICv3. */
const aarch64Profile: ArchProfile = {
  arch: 'aarch64',
  defaultCmdline: 'console=ttyAMA0 panic=-1',
  ramRanges: (ramSize) => [{ guestAddress: aarch64Layout.RAM_BASE, size: ramSize }],
  linuxLoader: (kernel, initrd, cmdline) =>
    new ImageLoader({ kernel, initrd, cmdline, psciMethod: 'hvc' }),
  reservedRanges: (vcpus) => [
    { address: aarch64Layout.PL011_START, size: aarch64Layout.PL011_SIZE, label: 'the PL011' },
    {
      address: aarch64Layout.GIC_DISTRIBUTOR,
      size: aarch64Layout.GIC_DISTRIBUTOR_SIZE,
      label: 'the GIC distributor',
    },
    {
      address: aarch64Layout.GIC_REDISTRIBUTOR,
      size: aarch64Layout.GIC_REDISTRIBUTOR_SIZE_PER_CPU * BigInt(vcpus),
      label: 'the GIC redistributors',
    },
  ],
  createUartState: () => Pl011SharedState.create().buffer,
  createBoardState: () => new SharedArrayBuffer(0),
  consoleInput: (uartState, interrupts) =>
    new Pl011Input({
      state: new Pl011SharedState(uartState),
      irq: interruptLine(interrupts, aarch64Layout.PL011_SPI),
    }),
  buildPlatform: PLATFORM_BUILDERS.aarch64,
};

/** The profile of each architecture. */
export const ARCH_PROFILES: Readonly<Record<Arch, ArchProfile>> = {
  x86_64: x86_64Profile,
  aarch64: aarch64Profile,
};
