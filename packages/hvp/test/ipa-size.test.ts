import { GuestAddressSpaceError } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import { FakeHvApi, HV_PAGE_SIZE, HvpVirt } from '../src/index.js';

const GiB = 1n << 30n;

/**
 * Creates a VM for a memory map ending at `span`, maps one page just below it and closes the
 * VM; returns the IPA the framework mapped.
 */
function mapTopPage(api: FakeHvApi, span: bigint): bigint | undefined {
  const virt = HvpVirt.create({ vcpus: 1, guestAddressSpan: span }, api);
  try {
    const page = virt.allocateMemory(HV_PAGE_SIZE);
    virt.setUserMemoryRegion({
      slot: 0,
      guestAddress: span - BigInt(HV_PAGE_SIZE),
      hostAddress: page.hostAddress,
      size: HV_PAGE_SIZE,
    });
    return api.maps.at(-1)?.ipa;
  } finally {
    virt.close();
  }
}

describe("HvpVirt sizes the VM's IPA space to its memory map", () => {
  it("keeps the framework's default IPA size for a map that fits it", () => {
    const api = new FakeHvApi({ ipaSize: { default: 36, max: 40 } });
    expect(mapTopPage(api, 64n * GiB)).toBe(64n * GiB - BigInt(HV_PAGE_SIZE));
    expect(api.vmIpaBits).toBe(36);
  });

  it('asks for the bits a larger map needs, so that its top page can be mapped', () => {
    const api = new FakeHvApi({ ipaSize: { default: 36, max: 40 } });
    expect(mapTopPage(api, 65n * GiB)).toBe(65n * GiB - BigInt(HV_PAGE_SIZE));
    expect(api.vmIpaBits).toBe(37);
  });

  it('refuses a map past the maximum IPA size before making a VM', () => {
    const api = new FakeHvApi({ ipaSize: { default: 36, max: 40 } });
    expect(() => HvpVirt.create({ vcpus: 1, guestAddressSpan: 1025n * GiB }, api)).toThrow(
      GuestAddressSpaceError,
    );
    expect(() => HvpVirt.create({ vcpus: 1, guestAddressSpan: 1025n * GiB }, api)).toThrow(
      /needs 41-bit .* Hypervisor.framework on this Mac gives a guest 40 bits \(addresses below 1 TiB\)/,
    );
    expect(api.vmExists).toBe(false);
  });
});
