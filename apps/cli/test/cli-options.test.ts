import { describe, expect, it } from 'vitest';
import { parseCliOptions, UsageError } from '../src/index.js';

describe('parseCliOptions', () => {
  it('reads the reference flags', () => {
    expect(
      parseCliOptions([
        '--cpus',
        '2',
        '--memory',
        '512M',
        '--accel',
        'kvm',
        '--kernel',
        'bzImage',
        '--initramfs',
        'initrd.gz',
        '--cmdline',
        'console=ttyS0 quiet',
      ]),
    ).toEqual({
      action: 'run',
      kernel: 'bzImage',
      initramfs: 'initrd.gz',
      cmdline: 'console=ttyS0 quiet',
      memory: '512M',
      cpus: 2,
      accel: 'kvm',
      hiddenCpuFeatures: [],
      kernelDecompression: 'vmm',
      debug: false,
    });
  });

  it('takes who decompresses the kernel, guest or vmm', () => {
    expect(parseCliOptions(['--kernel', 'k', '--kernel-decompression', 'guest'])).toMatchObject({
      kernelDecompression: 'guest',
    });
    expect(parseCliOptions(['--kernel', 'k', '--kernel-decompression', 'vmm'])).toMatchObject({
      kernelDecompression: 'vmm',
    });
    expect(() => parseCliOptions(['--kernel', 'k', '--kernel-decompression', 'host'])).toThrow(
      /--kernel-decompression host: choose one of guest, vmm \(guest: /,
    );
  });

  it('collects hidden CPU features from repeated and comma-separated flags', () => {
    expect(
      parseCliOptions([
        '--kernel',
        'k',
        '--hide-cpu-feature',
        'xsave',
        '--hide-cpu-feature',
        'x2apic,pcid',
      ]),
    ).toMatchObject({ hiddenCpuFeatures: ['xsave', 'x2apic', 'pcid'] });
    expect(() => parseCliOptions(['--kernel', 'k', '--hide-cpu-feature', 'sse2'])).toThrow(
      /--hide-cpu-feature sse2: unknown feature; choose from xsave, avx,/,
    );
  });

  it('defaults to one vCPU on KVM', () => {
    expect(parseCliOptions(['--kernel', 'k'])).toMatchObject({
      cpus: 1,
      accel: 'kvm',
      memory: undefined,
    });
  });

  it('answers --help and --version before checking anything else', () => {
    expect(parseCliOptions(['--help'])).toEqual({ action: 'help' });
    expect(parseCliOptions(['-h', '--cpus', 'x'])).toEqual({ action: 'help' });
    expect(parseCliOptions(['-V'])).toEqual({ action: 'version' });
  });

  it('rejects bad command lines with a usage error that says what is wrong', () => {
    expect(() => parseCliOptions([])).toThrow(new UsageError('--kernel PATH is required'));
    expect(() => parseCliOptions(['--kernel', 'k', '--cpus', 'two'])).toThrow(/whole number/);
    expect(() => parseCliOptions(['--kernel', 'k', '--accel', 'tcg'])).toThrow(
      /choose one of: kvm/,
    );
    expect(() => parseCliOptions(['--kernel', 'k', '--bogus'])).toThrow(UsageError);
    expect(() => parseCliOptions(['--kernel', 'k', 'extra'])).toThrow(UsageError);
    expect(() => parseCliOptions(['--kernel', 'k', '--device', 'virtio-blk,path=x'])).toThrow(
      /no device types are available yet/,
    );
  });
});
