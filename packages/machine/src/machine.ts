import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import {
  GuestAddressSpaceError,
  GuestMemory,
  MemorySlotLimitError,
  MmioBus,
  type Arch,
  type BootState,
  type MmioDevice,
  type Virt,
  type VirtBackend,
  type VirtHandle,
  type VirtOptions,
} from '@vmm/core';
import { ARCH_PROFILES, type ArchProfile, type RamRange } from './arch-profile.js';
import type { BootLoader } from '@vmm/bootloader';
import { BufferedWritesFlush } from './buffered-writes-flush.js';
import { ConsoleStream } from './console-stream.js';
import { MachineConfigError, VcpuWorkerError } from './errors.js';
import { checkGuestRamFitsHost } from './host-memory-capacity.js';
import {
  DEFAULT_KERNEL_DECOMPRESSION,
  DEFAULT_MEMORY,
  MAX_VCPUS,
  type CustomMmioDeviceConfig,
  type MachineConfig,
} from './machine-config.js';
import { parseMemorySize } from './memory-size.js';
import { importExport } from './module-export.js';
import { SharedByteRing } from './shared-byte-ring.js';
import { VcpuControl } from './vcpu-control.js';
import { VcpuThread } from './vcpu-thread.js';
import type { VcpuWorkerMessage, VcpuWorkerSpec } from './vcpu-worker-spec.js';
import type { VmOutcome } from './vm-outcome.js';

/**
 * The largest guest RAM slot: one host allocation, one view. Node cannot view more than 4 GiB
 * of native memory as one buffer, so larger RAM ranges are split into several slots.
 */
const MAX_SLOT_SIZE = 2 ** 32;

/** Splits RAM ranges into slots of at most {@link MAX_SLOT_SIZE} bytes. */
function memorySlots(ranges: readonly RamRange[]): RamRange[] {
  return ranges.flatMap((range) => {
    const slots: RamRange[] = [];
    for (let offset = 0; offset < range.size; offset += MAX_SLOT_SIZE) {
      slots.push({
        guestAddress: range.guestAddress + BigInt(offset),
        size: Math.min(MAX_SLOT_SIZE, range.size - offset),
      });
    }
    return slots;
  });
}

/**
 * `backend.create(options)`, with a memory map the guest cannot address or the hypervisor cannot
 * hold reported as the configuration's fault (a {@link MachineConfigError} naming the memory
 * size asked for).
 */
function createVirt(backend: VirtBackend, config: MachineConfig, options: VirtOptions): Virt {
  try {
    return backend.create(options);
  } catch (error) {
    if (!(error instanceof GuestAddressSpaceError || error instanceof MemorySlotLimitError)) {
      throw error;
    }
    throw new MachineConfigError(
      `memory size "${config.memory ?? DEFAULT_MEMORY}" is too large for this host: ${error.message}`,
      { cause: error },
    );
  }
}

/**
 * Where the guest's memory map ends: one past the last byte of its `ram` and its device
 * `regions`, the span the backend must give the guest's physical addresses.
 */
function memoryMapEnd(
  ram: readonly RamRange[],
  regions: readonly { readonly address: bigint; readonly size: bigint }[],
): bigint {
  let end = 0n;
  for (const range of ram) end = max(end, range.guestAddress + BigInt(range.size));
  for (const region of regions) end = max(end, region.address + region.size);
  return end;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/**
 * How often the main thread looks whether to kick the vCPU while the hypervisor buffers
 * its port writes ({@link BufferedWritesFlush}), so that a write no exit followed (the last byte
 * of an early console line) reaches its device within about twice this long.
 */
const BUFFERED_WRITES_FLUSH_MS = 25;

/**
 * A running virtual machine. `Machine.create` builds it and starts its vCPUs; `console` is
 * the serial console (write keystrokes, read output); `exited` settles with how it ended.
 */
export class Machine {
  readonly #virt: Virt;
  readonly #control = VcpuControl.create();
  readonly #kicks = new Map<number, VirtHandle>();
  readonly #consoleRing = SharedByteRing.create();
  readonly #consoleStream: ConsoleStream;
  readonly #profile: ArchProfile;
  readonly #uartState: SharedArrayBuffer;
  readonly #boardState: SharedArrayBuffer;
  readonly #threads: readonly VcpuThread[];
  #outcome: VmOutcome | undefined;
  /** Looks whether to kick the vCPU whose port writes may be buffered (one vCPU, x86), if any. */
  #flushTimer: NodeJS.Timeout | undefined;

  /**
   * The guest's serial console: readable guest output, writable guest input. Output waits for
   * its reader: read it (pipe it somewhere, or `resume()` it to discard it), or the guest's
   * vCPUs wait once ~80 KiB of its output are pending (see {@link ConsoleStream}).
   */
  readonly console: Duplex;
  /** Guest RAM as the host sees it (reads and writes reach the guest). */
  readonly memory: GuestMemory;
  /**
   * Settles once every vCPU has stopped, with how the VM ended. Guest RAM stays readable
   * until {@link Machine.close}.
   */
  readonly exited: Promise<VmOutcome>;

  private constructor(
    virt: Virt,
    memory: GuestMemory,
    threads: readonly VcpuThread[],
    config: MachineConfig,
    ramSize: number,
  ) {
    this.#virt = virt;
    this.#profile = ARCH_PROFILES[virt.arch];
    this.#uartState = this.#profile.createUartState();
    this.#boardState = this.#profile.createBoardState(ramSize);
    this.#threads = threads;
    this.memory = memory;
    this.#consoleStream = new ConsoleStream(
      this.#consoleRing,
      this.#profile.consoleInput(this.#uartState, virt.interrupts),
    );
    this.console = this.#consoleStream.duplex;
    const stopped = threads.map((thread, id) => this.#attachVcpu(thread, config, id));
    this.exited = Promise.all(stopped).then(async () => {
      this.#consoleRing.close();
      this.#consoleStream.release();
      await this.#consoleStream.pumped;
      return this.#outcome ?? { kind: 'stopped' };
    });
  }

  /**
   * Builds a VM from `config`, loads the guest and starts its vCPUs. The vCPU threads are
   * spawned first (or taken from `config.warmup`), so that they start while this thread reads
   * the guest's files and creates the VM and its RAM, and they create their vCPUs and devices
   * while the guest is loaded. A file that cannot be read, or a kernel that cannot boot, is
   * reported before a VM that cannot be made.
   */
  static async create(config: MachineConfig): Promise<Machine> {
    const cpus = config.cpus ?? 1;
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_VCPUS) {
      throw new MachineConfigError(
        `cpus must be a whole number from 1 to ${MAX_VCPUS}; got ${cpus}`,
      );
    }
    const ramSize = parseMemorySize(config.memory ?? DEFAULT_MEMORY);
    const warm = config.warmup?.take(config.backend, cpus) ?? [];
    const threads = [
      ...warm,
      ...Array.from({ length: cpus - warm.length }, () => VcpuThread.spawn(config.backend)),
    ];
    try {
      return await Machine.#build(config, cpus, ramSize, threads);
    } catch (error) {
      await Promise.all(threads.map((thread) => thread.terminate()));
      throw error;
    }
  }

  static async #build(
    config: MachineConfig,
    cpus: number,
    ramSize: number,
    threads: readonly VcpuThread[],
  ): Promise<Machine> {
    const importing = importExport<VirtBackend>(config.backend);
    importing.catch(() => undefined);
    const loaderFor = guestLoader(config);
    const backend = await importing;
    const profile = ARCH_PROFILES[backend.guestArch()];
    const loader = loaderFor(profile);
    const ram = profile.ramRanges(ramSize);
    const slots = memorySlots(ram);
    const reserved = profile.reservedRanges(cpus);
    const virt = createVirt(backend, config, {
      vcpus: cpus,
      hiddenCpuFeatures: config.hiddenCpuFeatures ?? [],
      guestAddressSpan: memoryMapEnd(ram, [...reserved, ...(config.mmioDevices ?? [])]),
      memorySlots: slots.length,
    });
    let machine: Machine | undefined;
    try {
      checkGuestRamFitsHost(ramSize, String(config.memory ?? DEFAULT_MEMORY));
      if (config.irqchip !== false) virt.createIrqChip();
      const memory = new GuestMemory(
        slots.map((range, slot) => {
          const host = virt.allocateMemory(range.size);
          virt.setUserMemoryRegion({
            slot,
            guestAddress: range.guestAddress,
            hostAddress: host.hostAddress,
            size: range.size,
          });
          return { guestAddress: range.guestAddress, bytes: host.bytes };
        }),
      );
      checkMmioDevices(config.mmioDevices ?? [], memory, reserved);
      machine = new Machine(virt, memory, threads, config, ramSize);
      machine.#boot(loader.load({ memory, ramSize, vcpus: cpus }));
      return machine;
    } catch (error) {
      if (machine === undefined) virt.close();
      else await machine.#abandon();
      throw error;
    }
  }

  /** Stops every vCPU (the outcome is `stopped` unless the guest ended first). */
  stop(): Promise<VmOutcome> {
    this.#settle({ kind: 'stopped' });
    this.#stopVcpus();
    return this.exited;
  }

  /**
   * Stops the VM if it still runs, then releases its host resources: the hypervisor's file
   * descriptors and guest RAM (after which {@link Machine.memory} reads as zeros).
   */
  async close(): Promise<VmOutcome> {
    const outcome = await this.stop();
    this.#virt.close();
    return outcome;
  }

  /**
   * Asks every vCPU to stop and kicks those running. The console's output stops waiting for
   * its reader, so that no vCPU stays blocked on a full console ring and misses the request.
   */
  #stopVcpus(): void {
    this.#control.requestStop();
    this.#consoleStream.release();
    for (const kick of this.#kicks.values()) this.#virt.kick(kick);
  }

  /** Keeps the first outcome: later vCPUs stopping because of it do not overwrite it. */
  #settle(outcome: VmOutcome): void {
    this.#outcome ??= outcome;
  }

  /**
   * Hands `thread` its vCPU (`vcpuId`) now, before the guest is loaded: the worker creates it
   * and builds its devices while this thread loads the guest. Resolves once the thread ended.
   */
  #attachVcpu(thread: VcpuThread, config: MachineConfig, vcpuId: number): Promise<void> {
    const spec: VcpuWorkerSpec = {
      virt: this.#virt.handle,
      vcpuId,
      vcpuCount: this.#threads.length,
      platform: {
        arch: this.#virt.arch,
        uartState: this.#uartState,
        boardState: this.#boardState,
        consoleRing: this.#consoleRing.buffer,
      },
      mmioDevices: config.mmioDevices ?? [],
      control: this.#control.buffer,
    };
    thread.attach(spec, {
      message: (message: VcpuWorkerMessage) => {
        if (message.type === 'started') {
          this.#kicks.set(message.vcpuId, message.kick);
          if (this.#control.stopRequested) this.#virt.kick(message.kick);
          if (message.buffersWrites) this.#flushBufferedWrites(message.kick);
          return;
        }
        clearInterval(this.#flushTimer);
        this.#kicks.delete(message.vcpuId);
        this.#settle(message.outcome);
        this.#stopVcpus();
      },
      error: (error) => {
        this.#settle({ kind: 'vmm-error', message: new VcpuWorkerError(error.message).message });
        this.#stopVcpus();
      },
    });
    return thread.ended;
  }

  /**
   * Kicks the vCPU (`kick`, the VM's only one) when it has gone quiet while its writes are
   * buffered, looking every BUFFERED_WRITES_FLUSH_MS; started only for a vCPU whose writes may
   * be buffered, so other machines get no timer.
   */
  #flushBufferedWrites(kick: VirtHandle): void {
    const flush = new BufferedWritesFlush();
    this.#flushTimer = setInterval(() => {
      const control = this.#control;
      if (flush.shouldKick(control.exitCount, control.writesBuffered)) this.#virt.kick(kick);
    }, BUFFERED_WRITES_FLUSH_MS);
    this.#flushTimer.unref();
  }

  /** Starts every vCPU: the boot vCPU from `boot`, the others waiting for the guest. */
  #boot(boot: BootState): void {
    this.#threads.forEach((thread, id) => thread.run(id === 0 ? boot : undefined));
  }

  /** Ends a machine whose guest could not be loaded: its vCPU threads, then the VM. */
  async #abandon(): Promise<void> {
    await Promise.all(this.#threads.map((thread) => thread.cancel()));
    await this.exited;
    this.#virt.close();
  }
}

/** Custom MMIO devices must sit outside RAM and off the platform's own devices. */
function checkMmioDevices(
  devices: readonly CustomMmioDeviceConfig[],
  memory: GuestMemory,
  reserved: readonly { address: bigint; size: bigint; label: string }[],
): void {
  const platform = new MmioBus();
  for (const range of reserved)
    platform.register(range.address, range.size, NO_DEVICE, range.label);
  for (const region of memory.regions) {
    platform.register(region.guestAddress, BigInt(region.bytes.length), NO_DEVICE, 'guest RAM');
  }
  for (const device of devices) {
    const label = device.label ?? device.factory.export;
    try {
      platform.register(device.address, device.size, NO_DEVICE, label);
    } catch (error) {
      throw new MachineConfigError(`MMIO device ${(error as Error).message}`, { cause: error });
    }
  }
}

/** A placeholder occupying a range in {@link checkMmioDevices}; never called. */
const NO_DEVICE: MmioDevice = { read: () => undefined, write: () => undefined };

/** The kernel and initramfs a Linux guest boots from. */
interface LinuxFiles {
  readonly kernel: Uint8Array;
  readonly initrd: Uint8Array | undefined;
}

/**
 * Reads the kernel and initramfs (as Buffers, not copied again); a bad path is a config error.
 * Synchronously: each file is one read, where an asynchronous read would go in 512 KiB pieces
 * that each wait for this thread, which builds the VM meanwhile without yielding.
 */
function readLinuxFiles(config: MachineConfig): LinuxFiles {
  if (config.kernel === undefined) {
    throw new MachineConfigError('no kernel given: pass `kernel` (a Linux kernel) or a `loader`');
  }
  const kernel = readInput(config.kernel, 'kernel');
  const initrd =
    config.initramfs === undefined ? undefined : readInput(config.initramfs, 'initramfs');
  return { kernel, initrd };
}

/**
 * How the guest is loaded once the backend has named its architecture: `config.loader`, or the
 * profile's Linux loader over the kernel and initramfs, which are read now, while the backend
 * is still being imported. The Linux loader checks the kernel when it is built, so a kernel
 * that cannot boot is reported before a VM that cannot be made.
 */
function guestLoader(config: MachineConfig): (profile: ArchProfile) => BootLoader {
  const { loader } = config;
  if (loader !== undefined) return () => loader;
  const { kernel, initrd } = readLinuxFiles(config);
  return (profile) =>
    profile.linuxLoader(
      kernel,
      initrd,
      config.cmdline ?? profile.defaultCmdline,
      config.kernelDecompression ?? DEFAULT_KERNEL_DECOMPRESSION,
    );
}

/** The command line a Linux guest of `arch` gets when none is given. */
export function defaultCmdline(arch: Arch): string {
  return ARCH_PROFILES[arch].defaultCmdline;
}

function readInput(input: string | Uint8Array, what: string): Uint8Array {
  if (typeof input !== 'string') return input;
  try {
    return readFileSync(input);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new MachineConfigError(`cannot read the ${what} at ${input}: ${reason}`, {
      cause: error,
    });
  }
}
