import { describe, expect, it } from 'vitest';
import { VmmError, aarch64Layout } from '@vmm/core';
import {
  FakeHvApi,
  GIC_MSI_INTID_BASE,
  GIC_MSI_INTID_COUNT,
  HV_PAGE_SIZE,
  HvMemory,
  HvSysReg,
  HvpUnavailableError,
  HvpVirt,
} from '../src/index.js';

const RAM = 16 * HV_PAGE_SIZE;

describe('HvpVirt', () => {
  it('creates one VM per process and allows another after close', () => {
    const api = new FakeHvApi();
    const virt = HvpVirt.create({ vcpus: 2 }, api);
    expect(virt.arch).toBe('aarch64');
    expect(virt.handle).toMatchObject({ backend: 'hvp', vcpus: 2 });
    expect(() => HvpVirt.create({ vcpus: 1 }, api)).toThrow(
      /already has a Hypervisor.framework VM.*one per process.*close\(\)/,
    );
    virt.close();
    expect(api.vmExists).toBe(false);
    const again = HvpVirt.create({ vcpus: 1 }, api);
    again.close();
  });

  it('rejects a VM without vCPUs', () => {
    expect(() => HvpVirt.create({ vcpus: 0 }, new FakeHvApi())).toThrow(/at least 1/);
  });

  it('attaches by handle in the same process, and only to the published VM', () => {
    const api = new FakeHvApi();
    const virt = HvpVirt.create({ vcpus: 2 }, api);
    const attached = HvpVirt.attach(virt.handle, api);
    const vcpu = attached.createVcpu(1);
    expect(() => virt.createVcpu(1)).toThrow(/vCPU 1 has already been created/);
    expect(() => HvpVirt.attach({ ...virt.handle, token: virt.handle.token + 1 }, api)).toThrow(
      /cannot see the hvp VM/,
    );
    expect(() => HvpVirt.attach({ backend: 'kvm', vcpus: 1, token: 1 }, api)).toThrow(
      /backend kvm, not hvp/,
    );
    attached.close();
    expect(api.vcpu(vcpu.hvVcpu).destroyed).toBe(true);
    virt.close();
  });

  it('allocates 16 KiB-aligned RAM and maps it read/write/execute at RAM_BASE', () => {
    const api = new FakeHvApi();
    const virt = HvpVirt.create({ vcpus: 1 }, api);
    expect(() => virt.allocateMemory(4096)).toThrow(/multiple of 16384 bytes/);
    const ram = virt.allocateMemory(RAM);
    expect(ram.bytes.length).toBe(RAM);
    expect(ram.hostAddress % BigInt(HV_PAGE_SIZE)).toBe(0n);
    ram.bytes[5] = 0x5a;
    expect(virt.viewMemory(ram.hostAddress, 8)[5]).toBe(0x5a);
    virt.setUserMemoryRegion({
      slot: 0,
      guestAddress: aarch64Layout.RAM_BASE,
      hostAddress: ram.hostAddress,
      size: RAM,
    });
    expect(api.maps).toEqual([
      {
        hostAddress: ram.hostAddress,
        ipa: aarch64Layout.RAM_BASE,
        size: RAM,
        flags: HvMemory.READ | HvMemory.WRITE | HvMemory.EXEC,
      },
    ]);
    expect(() =>
      virt.setUserMemoryRegion({
        slot: 1,
        guestAddress: aarch64Layout.RAM_BASE + 0x1000n,
        hostAddress: ram.hostAddress,
        size: RAM,
      }),
    ).toThrow(/not 16 KiB aligned/);
    virt.close();
    expect(api.maps).toEqual([]);
    expect(() => virt.viewMemory(ram.hostAddress, 8)).toThrow(RangeError);
  });

  it('creates the GIC at the layout addresses with the MSI range above the wired SPIs', () => {
    const api = new FakeHvApi();
    const virt = HvpVirt.create({ vcpus: 4 }, api);
    expect(virt.gic).toBeUndefined();
    expect(() => virt.interrupts.setLevel(1, true)).toThrow(/no GIC yet.*createIrqChip/);
    virt.createIrqChip();
    expect(api.gic).toEqual({
      distributorBase: aarch64Layout.GIC_DISTRIBUTOR,
      redistributorBase: aarch64Layout.GIC_REDISTRIBUTOR,
      msiRegionBase: aarch64Layout.GIC_MSI,
      msiRange: { base: GIC_MSI_INTID_BASE, count: GIC_MSI_INTID_COUNT },
    });
    expect(GIC_MSI_INTID_BASE).toBe(256);
    expect(virt.gic).toMatchObject({
      distributorBase: 0x3000_0000n,
      distributorSize: 0x1_0000,
      redistributorBase: 0x3001_0000n,
      redistributorSize: 0x2_0000,
      msiBase: 0x3a00_0000n,
      spiBase: 32,
      spiCount: 988,
    });
    expect(() => virt.createIrqChip()).toThrow(/already has a GIC/);

    virt.interrupts.setLevel(1, true);
    virt.interrupts.setLevel(1, false);
    expect(api.spiLevels).toEqual([
      { intid: 33, level: true },
      { intid: 33, level: false },
    ]);
    expect(() => virt.interrupts.setLevel(224, true)).toThrow(/outside the wired SPIs 0..223/);

    // A worker's own fake framework sees the process's VM and GIC; its lines reach the GIC too.
    const workerApi = new FakeHvApi({ vmExists: true, gicExists: true });
    HvpVirt.attach(virt.handle, workerApi).interrupts.setLevel(5, true);
    expect(workerApi.spiLevels).toEqual([{ intid: 37, level: true }]);
    virt.close();
  });

  it('refuses to create the GIC after a vCPU, or in a worker', () => {
    const api = new FakeHvApi();
    const virt = HvpVirt.create({ vcpus: 2 }, api);
    expect(() => HvpVirt.attach(virt.handle, api).createIrqChip()).toThrow(/not in a worker/);
    virt.createVcpu(0);
    expect(() => virt.createIrqChip()).toThrow(/before any vCPU/);
    virt.close();
  });

  it.each([
    [
      { distributorAlignment: 0x2000_0000 },
      /distributor base 0x30000000 is not aligned to 0x20000000/,
    ],
    [
      { redistributorRegionSize: 0x1000_0000 },
      /redistributors .* runs into the MSI region at 0x3a000000/,
    ],
    [{ msiSize: 0x1000_0000 }, /MSI region .* runs into the RAM at 0x40000000/],
    [{ redistributorRegionSize: 0x4_0000 }, /4 vCPUs need 4 redistributors/],
  ])('checks the framework GIC parameters %o against the layout', (gic, message) => {
    const api = new FakeHvApi({ gic });
    const virt = HvpVirt.create({ vcpus: 4 }, api);
    expect(() => virt.createIrqChip()).toThrow(message);
    expect(api.gic).toBeUndefined();
    virt.close();
  });

  it('needs macOS 15 for the GIC', () => {
    const virt = HvpVirt.create({ vcpus: 1 }, new FakeHvApi({ gicSupported: false }));
    expect(() => virt.createIrqChip()).toThrow(HvpUnavailableError);
    expect(() => virt.createIrqChip()).toThrow(
      /needs macOS 15 \(Sequoia\) or later for the in-kernel GIC/,
    );
    virt.close();
  });

  it('gives each vCPU its MPIDR affinity and checks ids', () => {
    const api = new FakeHvApi();
    const virt = HvpVirt.create({ vcpus: 3 }, api);
    const vcpu = virt.createVcpu(2);
    expect(api.vcpu(vcpu.hvVcpu).sysReg(HvSysReg.MPIDR_EL1)).toBe(2n);
    expect(() => virt.createVcpu(3)).toThrow(/outside this VM's 0..2/);
    expect(() => virt.createVcpu(2)).toThrow(VmmError);
    virt.close();
    expect(api.vcpu(vcpu.hvVcpu).destroyed).toBe(true);
    expect(() => virt.createVcpu(0)).toThrow(/the VM is closed/);
  });

  it('kicks a vCPU: hv_vcpus_exit, and its next run returns interrupted', () => {
    const api = new FakeHvApi();
    const virt = HvpVirt.create({ vcpus: 1 }, api);
    const vcpu = virt.createVcpu(0);
    vcpu.setBootState({ mode: 'aarch64', entry: 0x4000_0000n, deviceTree: 0x4400_0000n });
    expect(vcpu.kickHandle).toEqual({ backend: 'hvp', vcpu: 0, hvVcpu: vcpu.hvVcpu });
    virt.kick(vcpu.kickHandle);
    expect(api.exitRequests).toEqual([[vcpu.hvVcpu]]);
    expect(vcpu.run()).toEqual({ kind: 'interrupted' });
    // The framework's pended exit also cancels the next entry: one more interrupted exit.
    expect(vcpu.run()).toEqual({ kind: 'interrupted' });
    expect(() => virt.kick({ backend: 'kvm', vcpu: 0, tid: 1 })).toThrow(
      /not an hvp vCPU kick handle/,
    );
    virt.close();
  });
});
