import { describe, expect, it } from 'vitest';
import { X86_RESET_STATE_NOTE } from '../src/arch/x86_64/describe-registers.js';
import { x86_64KvmArchitecture } from '../src/arch/x86_64/x86-64-kvm-architecture.js';
import { hostKvmArchitecture } from '../src/host-kvm-architecture.js';
import { upFrontVcpuFds } from '../src/kvm-handle.js';
import { KvmUnavailableError, KvmVirt, parseKvmHandle } from '../src/index.js';
import { hasKvm, warnIfNoKvm } from './kvm-host.js';

warnIfNoKvm('the x86_64 host-architecture test');

/** Runs `action` with `process.arch` reading `arch`. */
function withProcessArch<T>(arch: string, action: () => T): T {
  const original = Object.getOwnPropertyDescriptor(process, 'arch')!;
  Object.defineProperty(process, 'arch', { value: arch });
  try {
    return action();
  } finally {
    Object.defineProperty(process, 'arch', original);
  }
}

describe('the host architecture', () => {
  it('picks the x86_64 steps on an x64 host, with the x86 capabilities and GSIs as lines', () => {
    expect(withProcessArch('x64', hostKvmArchitecture)).toBe(x86_64KvmArchitecture);
    expect(x86_64KvmArchitecture.requiredCapabilities).toEqual({
      IRQCHIP: 0,
      USER_MEMORY: 3,
      SET_TSS_ADDR: 4,
      SET_IDENTITY_MAP_ADDR: 37,
      EXT_CPUID: 7,
      PIT2: 33,
    });
    expect(x86_64KvmArchitecture.irqLine(4)).toBe(4);
  });

  it('picks the aarch64 steps on an arm64 host', () => {
    const arm64 = withProcessArch('arm64', hostKvmArchitecture);
    expect(arm64.arch).toBe('aarch64');
    expect(arm64.requiredCapabilities).toEqual({
      IRQCHIP: 0,
      USER_MEMORY: 3,
      ONE_REG: 70,
      DEVICE_CTRL: 89,
      ARM_PSCI_0_2: 102,
    });
  });

  it('refuses any other host before touching /dev/kvm', () => {
    expect(() => withProcessArch('ia32', () => KvmVirt.create({ vcpus: 1 }))).toThrow(
      new KvmUnavailableError(
        '/dev/kvm',
        "vmm's KVM backend drives x86_64 and aarch64 hosts, and this host is ia32",
        'run vmm on an x86_64 or aarch64 Linux host',
      ).message,
    );
  });

  it.skipIf(!hasKvm)('makes x86_64 VMs on this x86_64 host, creating vCPUs lazily', () => {
    const virt = KvmVirt.create({ vcpus: 2 });
    try {
      expect(virt.arch).toBe('x86_64');
      expect(virt.handle).toEqual({
        backend: 'kvm',
        kvmFd: virt.system.fd,
        vmFd: virt.vmFd,
        vcpus: 2,
      });
      // A vCPU never run is in the reset state, which the line says (on AMD, KVM leaves a
      // vCPU that shut down in it, where the faulting state would be).
      expect(virt.createVcpu(1).describeRegisters()).toBe(
        `rip=0xfff0 rsp=0x0 rflags=0x2 cr0=0x60000010 cr3=0x0 cr4=0x0 efer=0x0 cs=0xf000 ${X86_RESET_STATE_NOTE}`,
      );
    } finally {
      virt.close();
    }
  });
});

describe('up-front vCPU fds in a handle', () => {
  const handle = { backend: 'kvm', kvmFd: 3, vmFd: 4, vcpus: 2 } as const;

  it('are listed comma-separated, one per vCPU', () => {
    const parsed = parseKvmHandle({ ...handle, vcpuFds: '5,6' });
    expect(parsed).toEqual({ ...handle, vcpuFds: '5,6' });
    expect(upFrontVcpuFds(parsed)).toEqual([5, 6]);
    expect(upFrontVcpuFds(parseKvmHandle(handle))).toEqual([]);
  });

  it('are refused when malformed or not one per vCPU', () => {
    for (const vcpuFds of ['5', '5,6,7', '', '5,,6', '5,-6', ' 5,6', 7]) {
      expect(() => parseKvmHandle({ ...handle, vcpuFds })).toThrow(
        /lists one file descriptor per vCPU \(2\), comma-separated/,
      );
    }
  });
});
