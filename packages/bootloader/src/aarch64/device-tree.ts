import { aarch64Layout, hex } from '@vmm/core';
import { encodeCommandLine } from '../command-line.js';
import { formatSize } from '../format-size.js';
import { DeviceTreeError } from './errors.js';
import { FdtWriter } from './fdt-writer.js';

const {
  DTB_MAX,
  GIC_DISTRIBUTOR,
  GIC_DISTRIBUTOR_SIZE,
  GIC_MSI,
  GIC_REDISTRIBUTOR,
  GIC_REDISTRIBUTOR_SIZE_PER_CPU,
  PL011_SIZE,
  PL011_SPI,
  PL011_START,
  RAM_BASE,
} = aarch64Layout;

/** How the guest calls PSCI firmware: `hvc` traps to the hypervisor (KVM), `smc` to EL3. */
export type PsciMethod = 'hvc' | 'smc';

/** A virtio-mmio device the machine placed, as the device tree describes it. */
export interface VirtioMmioDeviceNode {
  /** Guest physical address of its register window. */
  readonly address: bigint;
  /** Size of its register window in bytes. */
  readonly size: bigint;
  /** Its interrupt: SPI index (INTID - 32), edge triggered. */
  readonly spi: number;
}

/** Where an initrd was loaded, for `/chosen`. */
export interface DeviceTreeInitrd {
  /** Guest physical address of its first byte. */
  readonly address: bigint;
  /** Its size in bytes. */
  readonly size: number;
}

/** What {@link buildDeviceTree} describes. */
export interface DeviceTreeOptions {
  /** Bytes of RAM, from `RAM_BASE`. */
  readonly ramSize: number;
  /** Number of vCPUs; vCPU `n` gets the MPIDR affinity KVM gives it (see {@link kvmCpuAffinity}). */
  readonly vcpus: number;
  /** The kernel command line (`/chosen/bootargs`), at most {@link ARM64_COMMAND_LINE_MAX_LENGTH} bytes. */
  readonly cmdline: string;
  /** The loaded initrd, if any (`/chosen/linux,initrd-start` and `-end`). */
  readonly initrd?: DeviceTreeInitrd | undefined;
  /** The PSCI conduit; `hvc` (what KVM's in-kernel PSCI answers) by default. */
  readonly psciMethod?: PsciMethod | undefined;
  /** virtio-mmio devices, one `virtio_mmio@<address>` node each. */
  readonly mmioDevices?: readonly VirtioMmioDeviceNode[] | undefined;
}

/**
 * Longest kernel command line an arm64 kernel takes, in bytes without the NUL: its
 * `COMMAND_LINE_SIZE` is 2048 with the NUL.
 */
export const ARM64_COMMAND_LINE_MAX_LENGTH = 2047;
/** Path of the PL011 node, for `/chosen/stdout-path` and `/aliases/serial0`. */
export const PL011_NODE_PATH = `/pl011@${PL011_START.toString(16)}`;
/** phandle of the GIC, the tree's `interrupt-parent`. */
const GIC_PHANDLE = 1;
/** phandle of the PL011's 24 MHz clock. */
const CLOCK_PHANDLE = 2;
/** Frequency of the PL011's reference and bus clock (`apb-pclk`). */
const CLOCK_FREQUENCY = 24_000_000;
/** `interrupts` cell 0 for a shared peripheral interrupt (SPI). */
const GIC_SPI = 0;
/** `interrupts` cell 0 for a private peripheral interrupt (PPI). */
const GIC_PPI = 1;
/** `interrupts` cell 2: rising edge. */
const IRQ_TYPE_EDGE_RISING = 1;
/** `interrupts` cell 2: active-high level. */
const IRQ_TYPE_LEVEL_HIGH = 4;
/** `interrupts` cell 2: active-low level. */
const IRQ_TYPE_LEVEL_LOW = 8;
/** Generic timer PPIs, in the binding's order: secure, non-secure, virtual, hypervisor physical. */
const TIMER_PPIS = [13, 14, 11, 10];
/** Highest SPI index: INTID 1019 - 32. */
const MAX_SPI = 987;
/** Most vCPUs whose redistributors fit between `GIC_REDISTRIBUTOR` and `GIC_MSI`. */
export const DEVICE_TREE_MAX_VCPUS = Number(
  (GIC_MSI - GIC_REDISTRIBUTOR) / GIC_REDISTRIBUTOR_SIZE_PER_CPU,
);
/** PSCI 0.2 function IDs (SMC64 where there is one), for the `arm,psci` (0.1) compatible. */
const PSCI_FUNCTIONS = {
  cpu_suspend: 0xc400_0001,
  cpu_off: 0x8400_0002,
  cpu_on: 0xc400_0003,
  migrate: 0xc400_0005,
} as const;

/**
 * The MPIDR affinity (Aff2.Aff1.Aff0, as a `cpus` `reg` cell) KVM gives vCPU `index`: 16 vCPUs
 * per Aff1 cluster, so it equals `index` below 16.
 */
export function kvmCpuAffinity(index: number): number {
  return (index & 0xf) | (((index >> 4) & 0xff) << 8) | (((index >> 12) & 0xff) << 16);
}

/**
 * Encodes the kernel command line as `/chosen/bootargs` holds it (NUL-terminated UTF-8); throws
 * `CommandLineTooLongError` when it is longer than {@link ARM64_COMMAND_LINE_MAX_LENGTH}.
 */
export function encodeBootargs(cmdline: string): Uint8Array {
  return encodeCommandLine(
    cmdline,
    ARM64_COMMAND_LINE_MAX_LENGTH,
    "the arm64 kernel's COMMAND_LINE_SIZE (2048 bytes with the NUL)",
  );
}

/**
 * Builds the flattened device tree of vmm's aarch64 machine, as the arm64 boot protocol hands it
 * to the kernel (x0): RAM at `RAM_BASE`, one `arm,arm-v8` CPU per vCPU started through PSCI, a
 * GICv3 (distributor and one redistributor per vCPU), the generic timer, the PL011 console with
 * its 24 MHz clock, the virtio-mmio devices, and `/chosen` with the command line, console path
 * and initrd range. Throws {@link DeviceTreeError} for a configuration the layout cannot describe
 * and `CommandLineTooLongError` for an over-long command line.
 */
export function buildDeviceTree(options: DeviceTreeOptions): Uint8Array {
  const { ramSize, vcpus } = options;
  if (!Number.isInteger(vcpus) || vcpus < 1 || vcpus > DEVICE_TREE_MAX_VCPUS) {
    throw new DeviceTreeError(
      `${vcpus} vCPUs cannot be described: the aarch64 layout has GICv3 redistributors for 1 to ${DEVICE_TREE_MAX_VCPUS}`,
    );
  }
  if (!Number.isSafeInteger(ramSize) || ramSize <= 0) {
    throw new DeviceTreeError(`a RAM size of ${ramSize} bytes cannot be described`);
  }
  const fdt = new FdtWriter();
  fdt.beginNode('');
  fdt.propertyString('compatible', 'linux,dummy-virt');
  fdt.propertyU32('#address-cells', 2);
  fdt.propertyU32('#size-cells', 2);
  fdt.propertyU32('interrupt-parent', GIC_PHANDLE);

  fdt.beginNode(`memory@${RAM_BASE.toString(16)}`);
  fdt.propertyString('device_type', 'memory');
  fdt.propertyU64Array('reg', [RAM_BASE, BigInt(ramSize)]);
  fdt.endNode();

  writeCpus(fdt, vcpus);
  writePsci(fdt, options.psciMethod ?? 'hvc');
  writeGic(fdt, vcpus);
  writeTimer(fdt);
  writeClock(fdt);
  writePl011(fdt);
  for (const device of options.mmioDevices ?? []) writeVirtioMmio(fdt, device);
  writeChosen(fdt, options);

  fdt.beginNode('aliases');
  fdt.propertyString('serial0', PL011_NODE_PATH);
  fdt.endNode();

  fdt.endNode();
  const blob = fdt.finish();
  if (blob.length > Number(DTB_MAX)) {
    throw new DeviceTreeError(
      `the device tree is ${formatSize(blob.length)}, more than the ${formatSize(DTB_MAX)} ` +
        'the arm64 boot protocol and the layout (DTB_MAX) allow: describe fewer devices',
    );
  }
  return blob;
}

function writeCpus(fdt: FdtWriter, vcpus: number): void {
  fdt.beginNode('cpus');
  fdt.propertyU32('#address-cells', 1);
  fdt.propertyU32('#size-cells', 0);
  for (let index = 0; index < vcpus; index++) {
    const affinity = kvmCpuAffinity(index);
    fdt.beginNode(`cpu@${affinity.toString(16)}`);
    fdt.propertyString('device_type', 'cpu');
    fdt.propertyString('compatible', 'arm,arm-v8');
    fdt.propertyU32('reg', affinity);
    fdt.propertyString('enable-method', 'psci');
    fdt.endNode();
  }
  fdt.endNode();
}

function writePsci(fdt: FdtWriter, method: PsciMethod): void {
  if (method !== 'hvc' && method !== 'smc') {
    throw new DeviceTreeError(`PSCI method "${String(method)}" is neither "hvc" nor "smc"`);
  }
  fdt.beginNode('psci');
  fdt.propertyStringList('compatible', ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']);
  fdt.propertyString('method', method);
  for (const [name, id] of Object.entries(PSCI_FUNCTIONS)) fdt.propertyU32(name, id);
  fdt.endNode();
}

function writeGic(fdt: FdtWriter, vcpus: number): void {
  fdt.beginNode(`intc@${GIC_DISTRIBUTOR.toString(16)}`);
  fdt.propertyString('compatible', 'arm,gic-v3');
  fdt.propertyU32('#interrupt-cells', 3);
  // No children (no ITS node): 0 address cells, which interrupt-map parsing and dtc's
  // interrupt_provider check want stated.
  fdt.propertyU32('#address-cells', 0);
  fdt.propertyEmpty('interrupt-controller');
  fdt.propertyU64Array('reg', [
    GIC_DISTRIBUTOR,
    GIC_DISTRIBUTOR_SIZE,
    GIC_REDISTRIBUTOR,
    GIC_REDISTRIBUTOR_SIZE_PER_CPU * BigInt(vcpus),
  ]);
  fdt.propertyPhandle(GIC_PHANDLE);
  fdt.endNode();
}

// No "always-on": the tree describes no CPU idle states that would power the timer down.
function writeTimer(fdt: FdtWriter): void {
  fdt.beginNode('timer');
  fdt.propertyString('compatible', 'arm,armv8-timer');
  fdt.propertyU32Array(
    'interrupts',
    TIMER_PPIS.flatMap((ppi) => [GIC_PPI, ppi, IRQ_TYPE_LEVEL_LOW]),
  );
  fdt.endNode();
}

function writeClock(fdt: FdtWriter): void {
  fdt.beginNode('apb-pclk');
  fdt.propertyString('compatible', 'fixed-clock');
  fdt.propertyU32('#clock-cells', 0);
  fdt.propertyU32('clock-frequency', CLOCK_FREQUENCY);
  fdt.propertyString('clock-output-names', 'clk24mhz');
  fdt.propertyPhandle(CLOCK_PHANDLE);
  fdt.endNode();
}

function writePl011(fdt: FdtWriter): void {
  fdt.beginNode(PL011_NODE_PATH.slice(1));
  fdt.propertyStringList('compatible', ['arm,pl011', 'arm,primecell']);
  fdt.propertyU64Array('reg', [PL011_START, PL011_SIZE]);
  fdt.propertyU32Array('interrupts', [GIC_SPI, PL011_SPI, IRQ_TYPE_LEVEL_HIGH]);
  fdt.propertyU32Array('clocks', [CLOCK_PHANDLE, CLOCK_PHANDLE]);
  fdt.propertyStringList('clock-names', ['uartclk', 'apb_pclk']);
  fdt.endNode();
}

// "dma-coherent": guest RAM is ordinary cacheable memory the VMM reads coherently.
function writeVirtioMmio(fdt: FdtWriter, device: VirtioMmioDeviceNode): void {
  const { address, size, spi } = device;
  if (!Number.isInteger(spi) || spi < 0 || spi > MAX_SPI) {
    throw new DeviceTreeError(
      `the virtio-mmio device at ${hex(address)} has SPI ${spi}; use an SPI index from 0 to ${MAX_SPI}`,
    );
  }
  if (size <= 0n) {
    throw new DeviceTreeError(`the virtio-mmio device at ${hex(address)} has size ${size}`);
  }
  fdt.beginNode(`virtio_mmio@${address.toString(16)}`);
  fdt.propertyString('compatible', 'virtio,mmio');
  fdt.propertyU64Array('reg', [address, size]);
  fdt.propertyU32Array('interrupts', [GIC_SPI, spi, IRQ_TYPE_EDGE_RISING]);
  fdt.propertyEmpty('dma-coherent');
  fdt.endNode();
}

function writeChosen(fdt: FdtWriter, options: DeviceTreeOptions): void {
  fdt.beginNode('chosen');
  fdt.property('bootargs', encodeBootargs(options.cmdline));
  fdt.propertyString('stdout-path', PL011_NODE_PATH);
  if (options.initrd !== undefined) {
    const { address, size } = options.initrd;
    fdt.propertyU64('linux,initrd-start', address);
    fdt.propertyU64('linux,initrd-end', address + BigInt(size));
  }
  fdt.endNode();
}
