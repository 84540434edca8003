import { interruptLine, MmioBus, PioBus, x86_64Layout, type InterruptController } from '@vmm/core';
import { CmosRtc, I8042, Uart8250, Uart8250SharedState } from '@vmm/devices';
import type { ConsoleSink } from '@vmm/devices';

/** What the x86 PC platform's devices are wired to on one vCPU thread. */
export interface X86PlatformWiring {
  /** The shared COM1 state (registers and receive FIFO). */
  readonly uartState: Uart8250SharedState;
  /** Where COM1's transmitted bytes go. */
  readonly consoleSink: ConsoleSink;
  /** The interrupt controller, as reachable from this thread. */
  readonly interrupts: InterruptController;
  /** Called when the guest resets the machine through the i8042. */
  readonly onReset: () => void;
}

/** The buses of an x86 PC as one vCPU thread sees them. */
export interface X86Platform {
  /** Port I/O: COM1, the i8042 and the CMOS RTC. */
  readonly pio: PioBus;
  /** Memory-mapped devices (none yet on x86). */
  readonly mmio: MmioBus;
}

/**
 * Builds the legacy PC devices a Linux guest expects on its ports: COM1 (16550A) at 0x3f8 on
 * IRQ 4, the i8042 at 0x60/0x64 (its reset line ends the VM as a reboot) and the CMOS RTC at
 * 0x70. The PIC, IOAPIC and PIT live in the kernel's irqchip, not here.
 */
export function buildX86Platform(wiring: X86PlatformWiring): X86Platform {
  const pio = new PioBus();
  const uart = new Uart8250({
    state: wiring.uartState,
    sink: wiring.consoleSink,
    irq: interruptLine(wiring.interrupts, x86_64Layout.COM1_IRQ),
  });
  pio.register(x86_64Layout.COM1_PORT, uart.portCount, uart, 'COM1 (16550A)');
  const i8042 = new I8042({ onReset: wiring.onReset });
  pio.register(x86_64Layout.I8042_DATA_PORT, i8042.portCount, i8042, 'i8042');
  const rtc = new CmosRtc();
  pio.register(x86_64Layout.CMOS_PORT, rtc.portCount, rtc, 'CMOS RTC');
  return { pio, mmio: new MmioBus() };
}
