import { accessSync, constants } from 'node:fs';
import { x86_64Layout, type X86LongModeBootState } from '@vmm/core';
import { KvmVirt, type KvmVcpu } from '../src/index.js';

function unavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `the host runs ${process.platform}, not Linux`;
  if (process.arch !== 'x64') return `the host is ${process.arch}, and these guests are x86`;
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch (error) {
    return `/dev/kvm is not usable (${(error as Error).message})`;
  }
  return undefined;
}

const reason = unavailableReason();

/** Whether tests can create KVM VMs here. */
export const hasKvm = reason === undefined;

/** Prints why a suite that needs KVM is skipped. */
export function warnIfNoKvm(suite: string): void {
  if (reason !== undefined) console.warn(`skipping ${suite}: ${reason}`);
}

/** A VM with `ramSize` bytes of RAM at guest address 0 and one vCPU made on this thread. */
export interface TestVm {
  /** The VM. */
  readonly virt: KvmVirt;
  /** Guest RAM from guest address 0. */
  readonly ram: Uint8Array;
  /** The same RAM as a DataView. */
  readonly ramView: DataView;
  /** Host address of the RAM. */
  readonly hostAddress: bigint;
  /** vCPU 0. */
  readonly vcpu: KvmVcpu;
}

/** Creates a one-vCPU VM with RAM at 0 holding `code` at `codeAddress`. */
export function createTestVm(options: {
  ramSize: number;
  code: readonly number[];
  codeAddress: number;
  irqChip?: boolean;
}): TestVm {
  const virt = KvmVirt.create({ vcpus: 1 });
  if (options.irqChip === true) virt.createIrqChip();
  const memory = virt.allocateMemory(options.ramSize);
  virt.setUserMemoryRegion({
    slot: 0,
    guestAddress: 0n,
    hostAddress: memory.hostAddress,
    size: options.ramSize,
  });
  memory.bytes.set(options.code, options.codeAddress);
  const vcpu = virt.createVcpu(0);
  return {
    virt,
    ram: memory.bytes,
    ramView: new DataView(memory.bytes.buffer),
    hostAddress: memory.hostAddress,
    vcpu,
  };
}

/**
 * Writes the boot identity map (PML4 -> one PDPT -> one page directory of 2 MiB pages,
 * covering the first GiB) and the boot GDT into `ram`, where the x86_64 layout puts them.
 */
export function writeLongModeTables(ram: DataView): void {
  const { PML4_START, PDPTE_START, PDE_START, GDT_START, BOOT_GDT } = x86_64Layout;
  const present = 0x1n;
  const writable = 0x2n;
  const hugePage = 0x80n;
  ram.setBigUint64(Number(PML4_START), PDPTE_START | present | writable, true);
  ram.setBigUint64(Number(PDPTE_START), PDE_START | present | writable, true);
  for (let i = 0; i < 512; i++) {
    const entry = (BigInt(i) << 21n) | present | writable | hugePage;
    ram.setBigUint64(Number(PDE_START) + 8 * i, entry, true);
  }
  BOOT_GDT.forEach((descriptor, i) =>
    ram.setBigUint64(Number(GDT_START) + 8 * i, descriptor, true),
  );
}

/** The long-mode boot state the tests use: entry at `entry`, everything else from the layout. */
export function longModeBootState(entry: bigint): X86LongModeBootState {
  const { BOOT_GDT, BOOT_STACK_POINTER, GDT_START, PML4_START, ZERO_PAGE_START } = x86_64Layout;
  return {
    mode: 'x86_64-long',
    entry,
    bootParams: ZERO_PAGE_START,
    pageTables: PML4_START,
    gdtBase: GDT_START,
    gdtLimit: BOOT_GDT.length * 8 - 1,
    stack: BOOT_STACK_POINTER,
  };
}
