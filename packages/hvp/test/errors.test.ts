import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FakeHvApi,
  HVP_ENTITLEMENTS_PLIST,
  HvError,
  HvReturn,
  HvpUnavailableError,
  HvpVirt,
  hvpBackend,
  loadHvApi,
} from '../src/index.js';

const onAppleSilicon = process.platform === 'darwin' && process.arch === 'arm64';
if (onAppleSilicon) {
  console.warn('hvp platform-error tests skipped: this host is macOS on Apple silicon');
}

describe.skipIf(onAppleSilicon)('on a host that is not macOS/arm64', () => {
  it('creating an hvp VM fails with a clear platform error', () => {
    const expected = `hvp runs on macOS on Apple silicon (this is ${process.platform}/${process.arch})`;
    expect(() => hvpBackend.create({ vcpus: 1 })).toThrow(HvpUnavailableError);
    expect(() => hvpBackend.create({ vcpus: 1 })).toThrow(expected);
    expect(() => loadHvApi()).toThrow(expected);
    expect(hvpBackend.name).toBe('hvp');
  });
});

describe('errors a Mac user can act on', () => {
  it('HV_DENIED explains the entitlement and the exact signing steps', () => {
    const api = new FakeHvApi({ vmCreateStatus: HvReturn.DENIED });
    let error: unknown;
    try {
      HvpVirt.create({ vcpus: 1 }, api);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HvpUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain('HV_DENIED');
    expect(message).toContain('com.apple.security.hypervisor');
    expect(message).toContain(process.execPath);
    expect(message).toContain(
      'cp "$(command -v node)" ./node-hvp && codesign --sign - --entitlements entitlements.plist --force ./node-hvp',
    );
    expect(message).toContain(HVP_ENTITLEMENTS_PLIST.trimEnd());
    expect(message).toContain('./node-hvp');
  });

  it('ships the entitlements.plist the message prints', () => {
    const shipped = readFileSync(new URL('../entitlements.plist', import.meta.url), 'utf8');
    expect(shipped).toBe(HVP_ENTITLEMENTS_PLIST);
    expect(shipped).toMatch(/<key>com\.apple\.security\.hypervisor<\/key>\s*<true\/>/);
  });

  it('other hv_vm_create failures name the hv_return_t', () => {
    expect(() =>
      HvpVirt.create({ vcpus: 1 }, new FakeHvApi({ vmCreateStatus: HvReturn.NO_RESOURCES })),
    ).toThrow('hv_vm_create failed: HV_NO_RESOURCES (0xfae94005)');
  });

  it('HvError carries the call, the name and the unsigned value', () => {
    const error = new HvError('hv_vm_map', 0xfae9_4003 | 0, 'slot 0');
    expect(error.message).toBe('hv_vm_map failed (slot 0): HV_BAD_ARGUMENT (0xfae94003)');
    expect([error.call, error.status, error.statusName, error.name]).toEqual([
      'hv_vm_map',
      0xfae9_4003,
      'HV_BAD_ARGUMENT',
      'HvError',
    ]);
  });
});
