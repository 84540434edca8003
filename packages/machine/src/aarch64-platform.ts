import { aarch64Layout, interruptLine, MmioBus, PioBus, type InterruptController } from '@vmm/core';
import { Pl011, Pl011SharedState, type ConsoleSink } from '@vmm/devices';
import type { Platform } from './platform.js';

/** What the aarch64 platform's devices are wired to on one vCPU thread. */
export interface Aarch64PlatformWiring {
  /** The shared PL011 state (registers and receive FIFO). */
  readonly uartState: SharedArrayBuffer;
  /** Where the PL011's transmitted bytes go. */
  readonly consoleSink: ConsoleSink;
  /** The interrupt controller (GIC SPIs), as reachable from this thread. */
  readonly interrupts: InterruptController;
}

/**
 * Builds the aarch64 platform devices: the PL011 UART at the start of the MMIO window on SPI 1
 * (level-triggered). Power-off and reset need no device: the guest asks through PSCI, which the
 * backend turns into system events. The GIC and the timer live in the hypervisor.
 */
export function buildAarch64Platform(wiring: Aarch64PlatformWiring): Platform {
  const mmio = new MmioBus();
  const uart = new Pl011({
    state: new Pl011SharedState(wiring.uartState),
    sink: wiring.consoleSink,
    irq: interruptLine(wiring.interrupts, aarch64Layout.PL011_SPI),
  });
  mmio.register(aarch64Layout.PL011_START, aarch64Layout.PL011_SIZE, uart, 'PL011 UART');
  return { pio: new PioBus(), mmio };
}
