import { aarch64Layout } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { CommandLineTooLongError } from '../src/errors.js';
import {
  buildDeviceTree,
  DeviceTreeError,
  kvmCpuAffinity,
  DEVICE_TREE_MAX_VCPUS,
  type DeviceTreeOptions,
} from '../src/aarch64/index.js';
import { decompile, hasDtc } from './fixtures/dtc.js';

const MiB = 0x10_0000;

/** A typical machine: 2 vCPUs, 512 MiB, an initrd and two virtio-mmio devices. */
const MACHINE: DeviceTreeOptions = {
  ramSize: 512 * MiB,
  vcpus: 2,
  cmdline: 'console=ttyAMA0 earlycon=pl011,mmio,0x09000000 root=/dev/vda rw',
  initrd: { address: aarch64Layout.INITRD_START, size: 0x12_3456 },
  mmioDevices: [
    { address: 0x0900_1000n, size: 0x1000n, spi: 2 },
    { address: 0x0900_2000n, size: 0x1000n, spi: 3 },
  ],
};

/** The body of the node `name` (its own lines up to its closing brace) in decompiled source. */
function node(dts: string, name: string): string {
  const start = dts.indexOf(`\t${name} {`);
  if (start < 0) throw new Error(`no node ${name} in:\n${dts}`);
  const indent = /^\t*/.exec(dts.slice(dts.lastIndexOf('\n', start) + 1))?.[0] ?? '';
  const end = dts.indexOf(`\n${indent}};`, start);
  return dts.slice(start, end);
}

describe('buildDeviceTree', () => {
  it('fits in DTB_MAX and starts with the FDT magic', () => {
    const blob = buildDeviceTree(MACHINE);
    expect(blob.length).toBeLessThan(Number(aarch64Layout.DTB_MAX));
    expect(new DataView(blob.buffer).getUint32(0)).toBe(0xd00d_feed);
  });

  it('gives vCPUs the MPIDR affinity KVM assigns: 16 per cluster', () => {
    expect([0, 1, 15, 16, 17, 255, 4096].map(kvmCpuAffinity)).toEqual([
      0, 1, 15, 0x100, 0x101, 0xf0f, 0x1_0000,
    ]);
  });

  it('rejects vCPU counts and devices the layout cannot describe', () => {
    expect(() => buildDeviceTree({ ...MACHINE, vcpus: 0 })).toThrow(DeviceTreeError);
    expect(() => buildDeviceTree({ ...MACHINE, vcpus: DEVICE_TREE_MAX_VCPUS + 1 })).toThrow(
      /1 to 1279/,
    );
    expect(DEVICE_TREE_MAX_VCPUS).toBe(1279);
    const badSpi = {
      ...MACHINE,
      mmioDevices: [{ address: 0x0900_1000n, size: 0x1000n, spi: 988 }],
    };
    expect(() => buildDeviceTree(badSpi)).toThrow(/SPI 988/);
    const twice = { ...MACHINE, mmioDevices: [MACHINE.mmioDevices![0]!, MACHINE.mmioDevices![0]!] };
    expect(() => buildDeviceTree(twice)).toThrow(/already has a child named "virtio_mmio@9001000"/);
    expect(() => buildDeviceTree({ ...MACHINE, cmdline: 'x'.repeat(2048) })).toThrow(
      CommandLineTooLongError,
    );
  });
});

if (!hasDtc) {
  console.warn(
    'skipping the dtc checks of the aarch64 device tree: dtc is not installed ' +
      '(apt-get install device-tree-compiler)',
  );
}

describe.skipIf(!hasDtc)('the aarch64 device tree, decompiled by dtc', () => {
  const { status, dts, stderr } = hasDtc
    ? decompile(buildDeviceTree(MACHINE))
    : { status: null, dts: '', stderr: '' };

  it('decompiles cleanly, without a warning', () => {
    expect(status).toBe(0);
    expect(stderr).toBe('');
    expect(dts).toMatch(/^\/dts-v1\/;/);
  });

  it('describes the root: dummy-virt, 2 address and size cells, the GIC as interrupt parent', () => {
    expect(dts).toContain('compatible = "linux,dummy-virt";');
    expect(dts).toContain('\t#address-cells = <0x02>;\n\t#size-cells = <0x02>;');
    expect(dts).toContain('\tinterrupt-parent = <0x01>;');
  });

  it('describes RAM from 0x40000000', () => {
    const memory = node(dts, 'memory@40000000');
    expect(memory).toContain('device_type = "memory";');
    expect(memory).toContain('reg = <0x00 0x40000000 0x00 0x20000000>;');
  });

  it('describes one PSCI-started arm-v8 CPU per vCPU', () => {
    const cpus = node(dts, 'cpus');
    expect(cpus).toContain('#address-cells = <0x01>;');
    expect(cpus).toContain('#size-cells = <0x00>;');
    expect(cpus.match(/cpu@[0-9a-f]+ \{/g)).toEqual(['cpu@0 {', 'cpu@1 {']);
    expect(node(dts, 'cpu@1')).toMatch(
      /device_type = "cpu";\s+compatible = "arm,arm-v8";\s+reg = <0x01>;\s+enable-method = "psci";/,
    );
  });

  it('describes PSCI 1.0 reached by hvc', () => {
    const psci = node(dts, 'psci');
    expect(psci).toContain('compatible = "arm,psci-1.0\\0arm,psci-0.2\\0arm,psci";');
    expect(psci).toContain('method = "hvc";');
    expect(psci).toContain('cpu_on = <0xc4000003>;');
    const smc = decompile(buildDeviceTree({ ...MACHINE, psciMethod: 'smc' })).dts;
    expect(node(smc, 'psci')).toContain('method = "smc";');
  });

  it('describes a GICv3 with a redistributor region sized for the vCPUs', () => {
    const gic = node(dts, 'intc@30000000');
    expect(gic).toContain('compatible = "arm,gic-v3";');
    expect(gic).toContain('#interrupt-cells = <0x03>;');
    expect(gic).toContain('interrupt-controller;');
    expect(gic).toContain('phandle = <0x01>;');
    expect(gic).toContain('reg = <0x00 0x30000000 0x00 0x10000 0x00 0x30010000 0x00 0x40000>;');
    const eight = decompile(buildDeviceTree({ ...MACHINE, vcpus: 8 })).dts;
    expect(node(eight, 'intc@30000000')).toContain('0x00 0x30010000 0x00 0x100000>;');
    expect(eight.match(/\tcpu@[0-9a-f]+ \{/g)).toHaveLength(8);
  });

  it('describes the generic timer on PPIs 13, 14, 11 and 10, level-low', () => {
    expect(node(dts, 'timer')).toContain(
      'interrupts = <0x01 0x0d 0x08 0x01 0x0e 0x08 0x01 0x0b 0x08 0x01 0x0a 0x08>;',
    );
    expect(node(dts, 'timer')).toContain('compatible = "arm,armv8-timer";');
  });

  it('describes the PL011 on SPI 1 with its 24 MHz clock', () => {
    const clock = node(dts, 'apb-pclk');
    expect(clock).toContain('compatible = "fixed-clock";');
    expect(clock).toContain('clock-frequency = <0x16e3600>;');
    expect(clock).toContain('phandle = <0x02>;');
    const uart = node(dts, 'pl011@9000000');
    expect(uart).toContain('compatible = "arm,pl011\\0arm,primecell";');
    expect(uart).toContain('reg = <0x00 0x9000000 0x00 0x1000>;');
    expect(uart).toContain('interrupts = <0x00 0x01 0x04>;');
    expect(uart).toContain('clocks = <0x02 0x02>;');
    expect(uart).toContain('clock-names = "uartclk\\0apb_pclk";');
  });

  it('describes each virtio-mmio device with its window and edge-triggered SPI', () => {
    const first = node(dts, 'virtio_mmio@9001000');
    expect(first).toContain('compatible = "virtio,mmio";');
    expect(first).toContain('reg = <0x00 0x9001000 0x00 0x1000>;');
    expect(first).toContain('interrupts = <0x00 0x02 0x01>;');
    expect(node(dts, 'virtio_mmio@9002000')).toContain('interrupts = <0x00 0x03 0x01>;');
    const none = decompile(buildDeviceTree({ ...MACHINE, mmioDevices: [] })).dts;
    expect(none).not.toContain('virtio_mmio');
  });

  it('puts the command line, the console path and the initrd range in /chosen', () => {
    const chosen = node(dts, 'chosen');
    expect(chosen).toContain(`bootargs = "${MACHINE.cmdline}";`);
    expect(chosen).toContain('stdout-path = "/pl011@9000000";');
    expect(chosen).toContain('linux,initrd-start = <0x00 0x44200000>;');
    expect(chosen).toContain('linux,initrd-end = <0x00 0x44323456>;');
    expect(node(dts, 'aliases')).toContain('serial0 = "/pl011@9000000";');
    const noInitrd = decompile(buildDeviceTree({ ...MACHINE, initrd: undefined })).dts;
    expect(node(noInitrd, 'chosen')).not.toContain('initrd');
  });

  it('stays warning-free with many vCPUs across affinity clusters', () => {
    const big = decompile(buildDeviceTree({ ...MACHINE, vcpus: 20 }));
    expect(big.stderr).toBe('');
    expect(node(big.dts, 'cpu@103')).toContain('reg = <0x103>;');
  });
});
