import { interruptLine, MmioBus, PioBus, x86_64Layout, type InterruptController } from '@vmm/core';
import {
  AcpiSleepControl,
  CmosRtc,
  CmosRtcSharedState,
  I8042,
  I8042SharedState,
  Uart8250,
  Uart8250SharedState,
  type ConsoleSink,
} from '@vmm/devices';
import type { Platform } from './platform.js';
import type { VmOutcome } from './vm-outcome.js';

/** What the x86 PC platform's devices are wired to on one vCPU thread. */
export interface X86PlatformWiring {
  /** The shared COM1 state (registers and receive FIFO). */
  readonly uartState: SharedArrayBuffer;
  /** The shared i8042 and CMOS RTC state ({@link createX86BoardState}). */
  readonly boardState: SharedArrayBuffer;
  /** Where COM1's transmitted bytes go. */
  readonly consoleSink: ConsoleSink;
  /** The interrupt controller, as reachable from this thread. */
  readonly interrupts: InterruptController;
  /** Ends the VM with `outcome` (the i8042 reset line: a reboot; ACPI S5: a power-off). */
  readonly endVm: (outcome: VmOutcome) => void;
  /**
   * Has the hypervisor buffer writes to ports `[port, port + size)`, or stop (see
   * `Virt.bufferPortWrites`); absent when it must not (more than one vCPU) or cannot.
   */
  readonly bufferPortWrites?: ((port: number, size: number, buffered: boolean) => void) | undefined;
}

/** COM1's line status register (LSR), the one its console polls before every byte. */
const COM1_LINE_STATUS = 5;

/** Where the x86 board state keeps the i8042's state; the CMOS RTC's follows it. */
const I8042_STATE_OFFSET = 0;
/** Where the x86 board state keeps the CMOS RTC's state. */
const CMOS_STATE_OFFSET = I8042_STATE_OFFSET + I8042SharedState.BYTE_LENGTH;

/**
 * Allocates the shared state of the PC's i8042 and CMOS RTC (`X86PlatformWiring.boardState`),
 * as firmware leaves them for `lowMemoryBytes` of RAM from address 0 up to the MMIO gap: the
 * controller's configuration, the RTC's status registers and the memory sizes PC firmware keeps
 * in CMOS.
 */
export function createX86BoardState(lowMemoryBytes: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(CMOS_STATE_OFFSET + CmosRtcSharedState.BYTE_LENGTH);
  new I8042SharedState(buffer, I8042_STATE_OFFSET).initialize();
  const rtc = new CmosRtcSharedState(buffer, CMOS_STATE_OFFSET);
  rtc.initialize();
  rtc.setMemorySize(lowMemoryBytes);
  return buffer;
}

/**
 * Builds the PC devices a Linux guest expects on its ports: COM1 (16550A) at 0x3f8 on IRQ 4,
 * the i8042 at 0x60/0x64 (its reset line ends the VM as a reboot), the CMOS RTC at 0x70 and
 * the hardware-reduced ACPI sleep registers at 0x600 (S5 ends the VM as a power-off), COM1, the
 * i8042 and the RTC over the shared state of `wiring`, so that every vCPU thread's are one
 * device each. The PIC,
 * IOAPIC and PIT live in the kernel's irqchip, not here. With `bufferPortWrites`, COM1's THR
 * writes are buffered while the UART allows it; COM1's line status may be read without the
 * device, from its line status image (`inlinePortReads`).
 */
export function buildX86Platform(wiring: X86PlatformWiring): Platform {
  const pio = new PioBus();
  const uartState = new Uart8250SharedState(wiring.uartState);
  const uart = new Uart8250({
    state: uartState,
    sink: wiring.consoleSink,
    irq: interruptLine(wiring.interrupts, x86_64Layout.COM1_IRQ),
    transmitBuffering:
      wiring.bufferPortWrites &&
      ((buffered) => wiring.bufferPortWrites!(x86_64Layout.COM1_PORT, 1, buffered)),
  });
  pio.register(x86_64Layout.COM1_PORT, uart.portCount, uart, 'COM1 (16550A)');
  const i8042 = new I8042({
    state: new I8042SharedState(wiring.boardState, I8042_STATE_OFFSET),
    onReset: () => wiring.endVm({ kind: 'reboot' }),
  });
  pio.register(x86_64Layout.I8042_DATA_PORT, i8042.portCount, i8042, 'i8042');
  const rtc = new CmosRtc({ state: new CmosRtcSharedState(wiring.boardState, CMOS_STATE_OFFSET) });
  pio.register(x86_64Layout.CMOS_PORT, rtc.portCount, rtc, 'CMOS RTC');
  const sleep = new AcpiSleepControl({ onPowerOff: () => wiring.endVm({ kind: 'power-off' }) });
  pio.register(x86_64Layout.ACPI_SLEEP_CONTROL_PORT, sleep.portCount, sleep, 'ACPI sleep control');
  return {
    pio,
    mmio: new MmioBus(),
    inlinePortReads: [
      { port: x86_64Layout.COM1_PORT + COM1_LINE_STATUS, word: uartState.lineStatusImage },
    ],
  };
}
