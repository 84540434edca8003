import { readFile } from 'node:fs/promises';
import { ELF_MACHINE_AARCH64, readCpioNewc, readElfHeader } from '@vmm/guest-tools';
import { expect, it } from 'vitest';
import { OUTER_IMAGE_LAYOUT } from '../src/index.js';
import { describeNestedSuite } from './fixtures/nested-suite.js';

/**
 * The arm64 proof: QEMU (TCG) emulates an arm64 virt board with EL2 and a GICv3, its Debian
 * arm64 kernel has KVM built in, vmm runs there on the fetched arm64 node and boots the arm64
 * inner guest through @vmm/machine's aarch64 profile (Image loader, device tree, PL011, vGICv3,
 * in-kernel PSCI). The outer kernel shares the console.
 */

await describeNestedSuite('aarch64', {
  outerKvmLog: /kvm \[\d+\]: (VHE|Hyp) mode initialized successfully/,
  panicSource: 'console',
  checkBoot(inner) {
    expect(inner).toMatch(/reboot: Power down/);
    expect(inner).toContain('vmm: guest powered off');
  },
  rebootLine: /reboot: Restarting system/,
  imageTests(image) {
    it('the outer image holds arm64 node, glibc and koffi, and no x64 prebuild', async () => {
      const records = readCpioNewc(await readFile(image().initrd));
      const byName = new Map(records.map((record) => [record.name, record]));
      const machineOf = (name: string): number | undefined => {
        const record = byName.get(name);
        return record === undefined ? undefined : readElfHeader(record.data, name).machine;
      };
      expect(machineOf(OUTER_IMAGE_LAYOUT.node.slice(1))).toBe(ELF_MACHINE_AARCH64);
      expect(machineOf('lib/ld-linux-aarch64.so.1')).toBe(ELF_MACHINE_AARCH64);
      expect(machineOf('lib/aarch64-linux-gnu/libc.so.6')).toBe(ELF_MACHINE_AARCH64);
      expect(machineOf('lib/aarch64-linux-gnu/libstdc++.so.6')).toBe(ELF_MACHINE_AARCH64);
      const koffiModules = records.filter((record) => record.name.endsWith('/koffi.node'));
      expect(koffiModules.length).toBeGreaterThan(0);
      for (const module of koffiModules) {
        expect(readElfHeader(module.data, module.name).machine).toBe(ELF_MACHINE_AARCH64);
      }
      const link = records.find((record) =>
        /^opt\/vmm\/node_modules\/\.pnpm\/koffi@[^/]+\/node_modules\/@koromix\/koffi-linux-arm64$/.test(
          record.name,
        ),
      );
      expect(link?.data.toString()).toMatch(/^\.\.\/\.\.\/\.\.\/@koromix\+koffi-linux-arm64@/);
      expect(records.some((record) => record.name.includes('koffi-linux-x64'))).toBe(false);
      expect(byName.has('lib/modules/e2e')).toBe(false);
    });
  },
});
