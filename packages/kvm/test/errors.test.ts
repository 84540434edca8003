import { VmmError } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import {
  Errno,
  KvmError,
  KvmSystem,
  KvmUnavailableError,
  KvmVirt,
  errnoName,
  kvmBackend,
  parseKvmHandle,
} from '../src/index.js';

describe('KvmError', () => {
  it('names the ioctl, the errno and what was being done', () => {
    const error = new KvmError('KVM_CREATE_VCPU', Errno.EEXIST, 'vCPU 0');
    expect(error).toBeInstanceOf(VmmError);
    expect(error.name).toBe('KvmError');
    expect(error.ioctl).toBe('KVM_CREATE_VCPU');
    expect(error.errno).toBe(17);
    expect(error.message).toBe('KVM_CREATE_VCPU failed (vCPU 0): EEXIST (errno 17, file exists)');
  });

  it('names every errno it knows and numbers the rest', () => {
    expect(
      [4, 11, 22, 14, 12, 6, 17, 9, 25, 1, 13, 2, 7, 16].map((errno) => errnoName(errno)),
    ).toEqual([
      'EINTR',
      'EAGAIN',
      'EINVAL',
      'EFAULT',
      'ENOMEM',
      'ENXIO',
      'EEXIST',
      'EBADF',
      'ENOTTY',
      'EPERM',
      'EACCES',
      'ENOENT',
      'E2BIG',
      'EBUSY',
    ]);
    expect(errnoName(1234)).toBe('errno 1234');
  });
});

describe('KvmUnavailableError', () => {
  it('says what KVM needs and hints at the fix', () => {
    const error = new KvmUnavailableError('/dev/kvm', 'permission denied opening /dev/kvm');
    expect(error).toBeInstanceOf(VmmError);
    expect(error.message).toBe(
      'KVM needs /dev/kvm: permission denied opening /dev/kvm ' +
        '(is the kvm module loaded and do you have access?)',
    );
  });

  it.skipIf(process.platform !== 'linux')('is what opening a missing device throws', () => {
    expect(() => KvmSystem.open('/dev/no-such-kvm')).toThrow(
      'KVM needs /dev/no-such-kvm: /dev/no-such-kvm does not exist (is the kvm module loaded',
    );
  });

  it.skipIf(process.platform !== 'linux')('is what opening a device that is not KVM throws', () => {
    expect(() => KvmSystem.open('/dev/null')).toThrow(
      /KVM needs \/dev\/null: KVM_GET_API_VERSION failed with ENOTTY/,
    );
  });

  it('is what create throws off Linux, before touching any device', () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    try {
      expect(() => KvmSystem.open()).toThrow(
        'KVM needs /dev/kvm: this host runs darwin, and KVM is part of Linux ' +
          '(use the hvp backend on macOS)',
      );
      expect(() => KvmVirt.create({ vcpus: 1 })).toThrow(KvmUnavailableError);
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });
});

describe('handles', () => {
  it('accepts a KVM handle and rejects anything else with a clear message', () => {
    const handle = { backend: 'kvm', kvmFd: 3, vmFd: 4, vcpus: 2 };
    expect(parseKvmHandle(handle)).toEqual(handle);
    expect(() => parseKvmHandle({ ...handle, backend: 'hvp' })).toThrow(
      'the handle is for backend hvp, not kvm',
    );
    expect(() => parseKvmHandle({ ...handle, vmFd: -1 })).toThrow(/vmFd=-1/);
    expect(() => kvmBackend.attach({ backend: 'kvm', kvmFd: 3 })).toThrow(VmmError);
  });

  it('backs the kvm backend', () => {
    expect(kvmBackend.name).toBe('kvm');
  });
});
