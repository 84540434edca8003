import { hex } from '@vmm/core';

/**
 * How a VM ended. Every way a guest or the VMM can stop maps to exactly one kind, which the
 * CLI turns into an exit code and a one-line message.
 */
export type VmOutcome =
  /** The guest powered off (ACPI, PSCI SYSTEM_OFF). */
  | { readonly kind: 'power-off' }
  /** The guest rebooted (i8042 reset, PSCI SYSTEM_RESET); vmm does not restart it. */
  | { readonly kind: 'reboot' }
  /** A vCPU halted with nothing that could wake it (no interrupt controller). */
  | { readonly kind: 'halted'; readonly vcpu: number; readonly registers: string }
  /** The guest triple-faulted (x86 shutdown). */
  | { readonly kind: 'triple-fault'; readonly vcpu: number; readonly registers: string }
  /** The guest reported a crash to the platform (PSCI/pvpanic-style system event). */
  | { readonly kind: 'guest-crash'; readonly vcpu: number }
  /** The hypervisor could not continue the guest (e.g. an instruction it cannot emulate). */
  | {
      readonly kind: 'internal-error';
      readonly vcpu: number;
      readonly suberror: number;
      readonly description: string;
      readonly data: readonly bigint[];
      /** The code bytes at the instruction it could not emulate, when the hypervisor said. */
      readonly instructionBytes?: readonly number[];
      readonly registers: string;
    }
  /** The hardware refused to enter the guest. */
  | {
      readonly kind: 'fail-entry';
      readonly vcpu: number;
      readonly hardwareReason: bigint;
      readonly registers: string;
    }
  /** The backend returned an exit vmm does not handle. */
  | {
      readonly kind: 'unknown-exit';
      readonly vcpu: number;
      readonly reason: number;
      readonly name: string;
      readonly registers: string;
    }
  /** The VM was stopped from the host side (`stop()`, Ctrl-A x). */
  | { readonly kind: 'stopped' }
  /** The VMM itself failed while running the guest. */
  | { readonly kind: 'vmm-error'; readonly message: string };

/** A one-line, human-readable account of `outcome`. */
export function describeOutcome(outcome: VmOutcome): string {
  switch (outcome.kind) {
    case 'power-off':
      return 'guest powered off';
    case 'reboot':
      return 'guest requested a reboot; vmm does not restart guests';
    case 'halted':
      return `vCPU ${outcome.vcpu} halted with nothing to wake it (${outcome.registers})`;
    case 'triple-fault':
      return `guest triple-faulted on vCPU ${outcome.vcpu} (${outcome.registers})`;
    case 'guest-crash':
      return `guest reported a crash on vCPU ${outcome.vcpu}`;
    case 'internal-error':
      return (
        `the hypervisor could not continue the guest on vCPU ${outcome.vcpu}: ` +
        `${outcome.description} (internal error ${outcome.suberror}` +
        `${outcome.data.length > 0 ? `, data ${outcome.data.map((word) => hex(word)).join(' ')}` : ''}` +
        `${instructionText(outcome.instructionBytes)}) at ${outcome.registers}`
      );
    case 'fail-entry':
      return `the hypervisor refused to enter the guest on vCPU ${outcome.vcpu} (hardware reason ${hex(outcome.hardwareReason)}) at ${outcome.registers}`;
    case 'unknown-exit':
      return `unhandled exit ${outcome.name} (${outcome.reason}) on vCPU ${outcome.vcpu} at ${outcome.registers}`;
    case 'stopped':
      return 'stopped by the host';
    case 'vmm-error':
      return `vmm failed: ${outcome.message}`;
  }
}

/** `; code bytes f0 48 0f c7 0e` for an emulation failure's bytes, or nothing. */
function instructionText(bytes: readonly number[] | undefined): string {
  if (bytes === undefined || bytes.length === 0) return '';
  return `; code bytes ${bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(' ')}`;
}
