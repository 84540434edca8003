import { aarch64Layout, type VmExit } from '@vmm/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Arm64Register,
  Errno,
  KvmCap,
  KvmError,
  KvmUnavailableError,
  KvmVirt,
  xRegisterId,
} from '../src/index.js';
import { CREATE_VM_ATTEMPTS } from '../src/kvm-system.js';
import { fakeKvm, writeMmioExit, writeSystemEventExit } from './fake-kvm.js';

// The arm64 path, driven on any host: the host looks like aarch64 and the C library is a
// fake KVM that records every ioctl (test/fake-kvm.ts). What runs is the package's own code
// from KvmVirt.create down to the ioctl arguments; only the kernel is pretend.
vi.mock('@vmm/core', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@vmm/core')>()),
  hostArch: () => 'aarch64',
}));
vi.mock('../src/libc.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/libc.js')>()),
  libc: () => fakeKvm,
}));

const [KVM_FD, VM_FD, VCPU0_FD, VCPU1_FD, GIC_FD] = [3, 4, 5, 6, 7];
const u64 = (value: bigint) => [...new Uint8Array(new BigUint64Array([value]).buffer)];
const u32 = (value: number) => [...new Uint8Array(new Uint32Array([value]).buffer)];

describe('an arm64 VM (fake KVM)', () => {
  let virt: KvmVirt | undefined;
  beforeEach(() => fakeKvm.reset());
  afterEach(() => {
    virt?.close();
    virt = undefined;
  });

  it('asks KVM_CREATE_VM for a larger IPA size only when the memory map needs one', () => {
    const createVmArgument = (guestAddressSpan: bigint): unknown => {
      fakeKvm.reset();
      fakeKvm.capabilityValues.set(KvmCap.ARM_VM_IPA_SIZE, 48);
      const created = KvmVirt.create({ vcpus: 1, guestAddressSpan });
      created.close();
      return fakeKvm.ioctls.find((call) => call.ioctl === 'KVM_CREATE_VM')?.arg;
    };
    expect(createVmArgument(aarch64Layout.RAM_BASE + (256n << 20n))).toBe(0);
    expect(createVmArgument(1n << 40n)).toBe(0);
    expect(createVmArgument((1n << 40n) + 0x1000n)).toBe(41);
    expect(createVmArgument(1n << 48n)).toBe(48);
    expect(() => createVmArgument((1n << 48n) + 0x1000n)).toThrow(
      /needs 49-bit guest physical addresses, but this host's KVM gives a guest 48 bits/,
    );
    expect(fakeKvm.names()).not.toContain('KVM_CREATE_VM');
  });

  it('asks KVM_CREATE_VM again when a signal interrupted it, and gives up after a storm', () => {
    fakeKvm.createVmInterruptions = 2;
    virt = KvmVirt.create({ vcpus: 1 });
    expect(fakeKvm.names().filter((name) => name === 'KVM_CREATE_VM')).toHaveLength(3);
    virt.close();
    virt = undefined;

    fakeKvm.reset();
    fakeKvm.createVmInterruptions = CREATE_VM_ATTEMPTS;
    expect(() => KvmVirt.create({ vcpus: 1 })).toThrow(new KvmError('KVM_CREATE_VM', Errno.EINTR));
    expect(fakeKvm.names().filter((name) => name === 'KVM_CREATE_VM')).toHaveLength(
      CREATE_VM_ATTEMPTS,
    );
  });

  it('creates and initialises every vCPU with the VM, then the vGICv3, initialised last', () => {
    virt = KvmVirt.create({ vcpus: 2 });
    expect(virt.arch).toBe('aarch64');
    expect(fakeKvm.ioctls.slice(0, 8)).toEqual([
      { fd: KVM_FD, ioctl: 'KVM_GET_API_VERSION', arg: 0 },
      { fd: KVM_FD, ioctl: 'KVM_CHECK_EXTENSION', arg: 0 }, //   IRQCHIP (a vGIC exists)
      { fd: KVM_FD, ioctl: 'KVM_CHECK_EXTENSION', arg: 3 }, //   USER_MEMORY
      { fd: KVM_FD, ioctl: 'KVM_CHECK_EXTENSION', arg: 70 }, //  ONE_REG
      { fd: KVM_FD, ioctl: 'KVM_CHECK_EXTENSION', arg: 89 }, //  DEVICE_CTRL
      { fd: KVM_FD, ioctl: 'KVM_CHECK_EXTENSION', arg: 102 }, // ARM_PSCI_0_2
      { fd: KVM_FD, ioctl: 'KVM_CHECK_EXTENSION', arg: 66 }, //  MAX_VCPUS
      { fd: KVM_FD, ioctl: 'KVM_CREATE_VM', arg: 0 },
    ]);
    expect(fakeKvm.ioctls.slice(8)).toEqual([
      { fd: VM_FD, ioctl: 'KVM_ARM_PREFERRED_TARGET' },
      { fd: VM_FD, ioctl: 'KVM_CREATE_VCPU', arg: 0 },
      { fd: VCPU0_FD, ioctl: 'KVM_ARM_VCPU_INIT', arg: { target: 5, features: 0b100 } }, // PSCI_0_2
      { fd: VM_FD, ioctl: 'KVM_CREATE_VCPU', arg: 1 },
      { fd: VCPU1_FD, ioctl: 'KVM_ARM_VCPU_INIT', arg: { target: 5, features: 0b101 } }, // + POWER_OFF
    ]);
    expect(virt.handle).toEqual({ backend: 'kvm', kvmFd: 3, vmFd: 4, vcpus: 2, vcpuFds: '5,6' });

    fakeKvm.clearLog();
    virt.createIrqChip();
    expect(fakeKvm.ioctls).toEqual([
      { fd: VM_FD, ioctl: 'KVM_CREATE_DEVICE', arg: { type: 7 } },
      {
        fd: GIC_FD,
        ioctl: 'KVM_SET_DEVICE_ATTR',
        arg: { group: 0, attr: 2n, value: u64(aarch64Layout.GIC_DISTRIBUTOR) },
      },
      {
        fd: GIC_FD,
        ioctl: 'KVM_SET_DEVICE_ATTR',
        arg: { group: 0, attr: 3n, value: u64(aarch64Layout.GIC_REDISTRIBUTOR) },
      },
      { fd: GIC_FD, ioctl: 'KVM_SET_DEVICE_ATTR', arg: { group: 3, attr: 0n, value: u32(256) } },
      { fd: GIC_FD, ioctl: 'KVM_SET_DEVICE_ATTR', arg: { group: 4, attr: 0n } }, // CTRL_INIT
    ]);
    expect(fakeKvm.liveAllocations).toBe(0); // the attribute values' native copies are freed
  });

  it('lets another thread adopt its vCPU by the handle, without creating one', () => {
    virt = KvmVirt.create({ vcpus: 2 });
    virt.createIrqChip();
    fakeKvm.clearLog();
    const worker = KvmVirt.attach(virt.handle);
    const vcpu = worker.createVcpu(1);
    expect(vcpu.fd).toBe(VCPU1_FD);
    expect(fakeKvm.names()).toEqual(['KVM_GET_VCPU_MMAP_SIZE', 'KVM_SET_SIGNAL_MASK']);
    expect(fakeKvm.ioctls[1]!.fd).toBe(VCPU1_FD);
    expect(vcpu.kickHandle).toEqual({ backend: 'kvm', vcpu: 1, tid: 4242 });
    expect(() => worker.createVcpu(1)).toThrow(
      'KVM_CREATE_VCPU failed (vCPU 1): EEXIST (errno 17, file exists)',
    );
    expect(() => worker.createVcpuUpFront(0)).toThrow(/only by the thread that owns the VM/);

    worker.close();
    expect(fakeKvm.closed).toEqual([]); // the owner keeps the vCPU fds
    virt.close();
    expect(fakeKvm.closed).toEqual([GIC_FD, VCPU0_FD, VCPU1_FD, VM_FD, KVM_FD]);
    virt = undefined;
  });

  it('boots vCPU 0 at the entry with x0 = the device tree, in EL1h with DAIF masked', () => {
    virt = KvmVirt.create({ vcpus: 1 });
    const vcpu = virt.createVcpu(0);
    fakeKvm.clearLog();
    vcpu.setBootState({ mode: 'aarch64', entry: 0x4020_0000n, deviceTree: 0x4400_0000n });
    expect(fakeKvm.ioctls).toEqual([
      { fd: VCPU0_FD, ioctl: 'KVM_SET_ONE_REG', arg: { id: Arm64Register.PSTATE, value: 0x3c5n } },
      {
        fd: VCPU0_FD,
        ioctl: 'KVM_SET_ONE_REG',
        arg: { id: Arm64Register.PC, value: 0x4020_0000n },
      },
      {
        fd: VCPU0_FD,
        ioctl: 'KVM_SET_ONE_REG',
        arg: { id: Arm64Register.X0, value: 0x4400_0000n },
      },
      { fd: VCPU0_FD, ioctl: 'KVM_SET_ONE_REG', arg: { id: xRegisterId(1), value: 0n } },
      { fd: VCPU0_FD, ioctl: 'KVM_SET_ONE_REG', arg: { id: xRegisterId(2), value: 0n } },
      { fd: VCPU0_FD, ioctl: 'KVM_SET_ONE_REG', arg: { id: xRegisterId(3), value: 0n } },
    ]);
    fakeKvm.registers.get(VCPU0_FD)!.set(Arm64Register.SP_EL1, 0x4000_8000n);
    expect(vcpu.describeRegisters()).toBe('pc=0x40200000 sp=0x0 pstate=0x3c5 sp_el1=0x40008000');
    expect(vcpu.getOneReg(Arm64Register.X0)).toBe(0x4400_0000n);
    expect(() => vcpu.setBootState({ mode: 'x86-real', entry: 0x7c00n })).toThrow(
      'vCPU 0 is an aarch64 KVM vCPU and cannot start in x86-real mode; ' +
        'an x86 guest needs an x86_64 host',
    );
    vcpu.close();
    expect(fakeKvm.closed).toEqual([]);
    expect(vcpu.describeRegisters()).toMatch(/^registers unavailable: KVM_GET_ONE_REG failed/);
    expect(() => vcpu.setOneReg(Arm64Register.PC, 0n)).toThrow(/vCPU 0 is closed/);
  });

  it('raises SPI n as INTID 32 + n with KVM_IRQ_LINE type SPI, and refuses other lines', () => {
    virt = KvmVirt.create({ vcpus: 1 });
    virt.createIrqChip();
    fakeKvm.clearLog();
    virt.interrupts.setLevel(aarch64Layout.PL011_SPI, true);
    virt.interrupts.setLevel(aarch64Layout.PL011_SPI, false);
    expect(fakeKvm.ioctls).toEqual([
      { fd: VM_FD, ioctl: 'KVM_IRQ_LINE', arg: { irq: 0x0100_0021, level: 1 } },
      { fd: VM_FD, ioctl: 'KVM_IRQ_LINE', arg: { irq: 0x0100_0021, level: 0 } },
    ]);
    expect(() => virt!.interrupts.setLevel(224, true)).toThrow(/SPI indexes 0 to 223/);
    expect(fakeKvm.ioctls).toHaveLength(2);
  });

  it('decodes MMIO exits and the power-off a guest asks for with PSCI SYSTEM_OFF', () => {
    virt = KvmVirt.create({ vcpus: 1 });
    const vcpu = virt.createVcpu(0);
    const exits: Array<(run: DataView) => void> = [
      (run) => writeMmioExit(run, aarch64Layout.PL011_START, [0x4b]),
      (run) => writeSystemEventExit(run, 1),
      (run) => writeSystemEventExit(run, 2),
    ];
    fakeKvm.onRun = (run) => exits.shift()!(run);
    const first: VmExit = vcpu.run();
    expect(first).toMatchObject({ kind: 'mmio', isWrite: true, address: 0x0900_0000n });
    expect(first.kind === 'mmio' && [...first.data]).toEqual([0x4b]);
    expect(vcpu.run()).toEqual({ kind: 'system-event', event: 'power-off' });
    expect(vcpu.run()).toEqual({ kind: 'system-event', event: 'reset' });
  });

  it('names the capability an arm64 KVM lacks', () => {
    fakeKvm.missingCaps.add(102);
    expect(() => KvmVirt.create({ vcpus: 1 })).toThrow(KvmUnavailableError);
    expect(() => KvmVirt.create({ vcpus: 1 })).toThrow(
      'KVM needs /dev/kvm: this KVM lacks KVM_CAP_ARM_PSCI_0_2 (a newer host kernel may have it)',
    );
  });

  it('says what a host needs when the vGICv3 cannot be created', () => {
    virt = KvmVirt.create({ vcpus: 1 });
    fakeKvm.createDeviceErrno = 19;
    const error = (() => {
      try {
        virt.createIrqChip();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(KvmError);
    expect((error as Error).message).toBe(
      'KVM_CREATE_DEVICE failed (vGICv3: it needs a host GICv3 (GICv2-only hosts have none) ' +
        'and must come before any vCPU runs): ENODEV (errno 19, no such device)',
    );
  });

  it('asks a device whether it has an attribute, and refuses a closed one', () => {
    virt = KvmVirt.create({ vcpus: 1 });
    const gic = virt.createDevice(7, 'vGICv3');
    expect(gic.hasAttr(4, 0n)).toBe(true);
    expect(gic.hasAttr(9, 0n)).toBe(false);
    gic.close();
    expect(() => gic.setAttr({ group: 4, attr: 0n, description: 'vGICv3 init' })).toThrow(
      'KVM_SET_DEVICE_ATTR failed (vGICv3 init: the device is closed): EBADF',
    );
  });
});
