import { describe, expect, it } from 'vitest';
import { BOOT_PSTATE } from '../src/arch/aarch64/pstate.js';
import { VGIC_NR_IRQS, VGIC_SPI_COUNT, vgicSpiIrqLine } from '../src/arch/aarch64/vgic-v3.js';
import { vcpuInitFor } from '../src/arch/aarch64/vcpu-init.js';
import * as armIoctls from '../src/bindings/aarch64/ioctl-numbers.js';
import { KVM_ARM_IRQ_TYPE_SHIFT, KVM_ARM_IRQ_TYPE_SPI } from '../src/bindings/aarch64/irq-line.js';
import {
  KVM_VCPU_INIT_LAYOUT,
  KvmArmVcpuFeature,
  KvmVcpuInit,
} from '../src/bindings/aarch64/kvm-vcpu-init.js';
import {
  Arm64Register,
  KVM_ARM64_REGS_LAYOUT,
  coreRegisterId,
  systemRegisterId,
  xRegisterId,
} from '../src/bindings/aarch64/register-ids.js';
import * as vgic from '../src/bindings/aarch64/vgic-v3.js';
import {
  KVM_CREATE_DEVICE_LAYOUT,
  createdDeviceFd,
  encodeKvmCreateDevice,
} from '../src/bindings/kvm-create-device.js';
import { KVM_DEVICE_ATTR_LAYOUT, encodeKvmDeviceAttr } from '../src/bindings/kvm-device-attr.js';
import { KVM_ONE_REG_LAYOUT, encodeKvmOneReg } from '../src/bindings/kvm-one-reg.js';
import { KvmCap } from '../src/index.js';

// Every literal below was printed by a C program compiled against the arm64 UAPI headers of
// Debian's linux-libc-dev 6.1.192-2 (arm64): <linux/kvm.h> and <asm/kvm.h>, e.g.
// printf("%llx", KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(regs.pc)).

describe('arm64 ioctl numbers', () => {
  it('match the arm64 headers (which an x86_64 host header cannot expand)', () => {
    expect({ ...armIoctls }).toEqual({
      KVM_ARM_VCPU_INIT: 0x4020aeae,
      KVM_ARM_PREFERRED_TARGET: 0x8020aeaf,
    });
  });
});

describe('arm64 struct layouts', () => {
  it('kvm_vcpu_init: a u32 target and seven u32 feature words', () => {
    expect(KVM_VCPU_INIT_LAYOUT).toEqual({ size: 32, target: 0, features: 4, featureWords: 7 });
  });

  it('kvm_one_reg, kvm_device_attr and kvm_create_device', () => {
    expect(KVM_ONE_REG_LAYOUT).toEqual({ size: 16, id: 0, addr: 8 });
    expect(KVM_DEVICE_ATTR_LAYOUT).toEqual({ size: 24, flags: 0, group: 4, attr: 8, addr: 16 });
    expect(KVM_CREATE_DEVICE_LAYOUT).toEqual({ size: 12, type: 0, fd: 4, flags: 8 });
  });

  it('kvm_regs: X0..X30, sp, pc, pstate, then sp_el1', () => {
    expect(KVM_ARM64_REGS_LAYOUT).toEqual({ x0: 0, sp: 248, pc: 256, pstate: 264, spEl1: 272 });
  });
});

describe('ONE_REG register ids', () => {
  it('encode core registers as KVM_REG_ARM64 | SIZE_U64 | ARM_CORE | offset / 4', () => {
    expect(Arm64Register.X0).toBe(0x6030_0000_0010_0000n);
    expect(xRegisterId(1)).toBe(0x6030_0000_0010_0002n);
    expect(xRegisterId(30)).toBe(0x6030_0000_0010_003cn);
    expect(Arm64Register.SP).toBe(0x6030_0000_0010_003en);
    expect(Arm64Register.PC).toBe(0x6030_0000_0010_0040n);
    expect(Arm64Register.PSTATE).toBe(0x6030_0000_0010_0042n);
    expect(Arm64Register.SP_EL1).toBe(0x6030_0000_0010_0044n);
    expect(coreRegisterId(8 * 30)).toBe(xRegisterId(30));
    expect(() => xRegisterId(31)).toThrow('there is no register X31');
    expect(() => coreRegisterId(6)).toThrow(RangeError);
  });

  it('encode system registers as ARM64_SYS_REG(op0, op1, CRn, CRm, op2)', () => {
    expect(Arm64Register.MPIDR_EL1).toBe(0x6030_0000_0013_c005n);
    expect(systemRegisterId(3, 0, 1, 0, 0)).toBe(0x6030_0000_0013_c080n); // SCTLR_EL1
    expect(systemRegisterId(3, 3, 14, 3, 1)).toBe(0x6030_0000_0013_df19n); // KVM_REG_ARM_TIMER_CTL
  });
});

describe('vCPU features and boot PSTATE', () => {
  it('number the KVM_ARM_VCPU_* feature bits as <asm/kvm.h> does', () => {
    expect(KvmArmVcpuFeature).toEqual({ POWER_OFF: 0, EL1_32BIT: 1, PSCI_0_2: 2, PMU_V3: 3 });
  });

  it('gives every vCPU PSCI 0.2 and powers off all but the boot vCPU', () => {
    const preferred = new KvmVcpuInit();
    preferred.target = 5; // KVM_ARM_TARGET_GENERIC_V8
    const boot = vcpuInitFor(preferred, 0);
    const secondary = vcpuInitFor(preferred, 3);
    const view = (init: KvmVcpuInit) => new DataView(init.bytes.buffer);
    expect([boot.target, view(boot).getUint32(4, true)]).toEqual([5, 0b100]);
    expect([secondary.target, view(secondary).getUint32(4, true)]).toEqual([5, 0b101]);
    expect(secondary.hasFeature(KvmArmVcpuFeature.POWER_OFF)).toBe(true);
    expect(boot.hasFeature(KvmArmVcpuFeature.POWER_OFF)).toBe(false);
    expect(preferred.hasFeature(KvmArmVcpuFeature.PSCI_0_2)).toBe(false);
    expect(view(secondary).getUint32(8, true)).toBe(0);
  });

  it('places feature bits beyond 31 in later words and refuses bits past 223', () => {
    const init = new KvmVcpuInit();
    init.addFeature(33);
    expect(new DataView(init.bytes.buffer).getUint32(8, true)).toBe(0b10);
    expect(() => init.addFeature(224)).toThrow(RangeError);
  });

  it('boots in EL1h with DAIF masked: PSTATE 0x3c5', () => {
    expect(BOOT_PSTATE).toBe(0x3c5n);
  });
});

describe('vGICv3 attributes and SPI lines', () => {
  it('use the device type, groups and attributes of the arm64 headers', () => {
    expect({ ...vgic }).toEqual({
      KVM_DEV_TYPE_ARM_VGIC_V3: 7,
      KVM_DEV_ARM_VGIC_GRP_ADDR: 0,
      KVM_VGIC_V3_ADDR_TYPE_DIST: 2n,
      KVM_VGIC_V3_ADDR_TYPE_REDIST: 3n,
      KVM_DEV_ARM_VGIC_GRP_NR_IRQS: 3,
      KVM_DEV_ARM_VGIC_GRP_CTRL: 4,
      KVM_DEV_ARM_VGIC_CTRL_INIT: 0n,
    });
    expect([VGIC_NR_IRQS % 32, VGIC_NR_IRQS, VGIC_SPI_COUNT]).toEqual([0, 256, 224]);
  });

  it('encode line n as (KVM_ARM_IRQ_TYPE_SPI << 24) | (32 + n)', () => {
    expect([KVM_ARM_IRQ_TYPE_SPI, KVM_ARM_IRQ_TYPE_SHIFT]).toEqual([1, 24]);
    expect(vgicSpiIrqLine(0)).toBe(0x0100_0020);
    expect(vgicSpiIrqLine(1)).toBe(0x0100_0021); // the PL011 (aarch64Layout.PL011_SPI)
    expect(vgicSpiIrqLine(223)).toBe(0x0100_00ff);
    expect(() => vgicSpiIrqLine(224)).toThrow(
      'interrupt line 224 is not an SPI of the vGIC: lines are SPI indexes 0 to 223 ' +
        '(INTIDs 32 to 255)',
    );
    expect(() => vgicSpiIrqLine(-1)).toThrow(/SPI indexes 0 to 223/);
    expect(() => vgicSpiIrqLine(1.5)).toThrow(/not an SPI/);
  });
});

describe('generic device and register structs', () => {
  it('encode kvm_one_reg, kvm_device_attr and kvm_create_device', () => {
    const reg = new DataView(encodeKvmOneReg(Arm64Register.PC, 0x7f00_1234_5678n).buffer);
    expect([reg.getBigUint64(0, true), reg.getBigUint64(8, true)]).toEqual([
      0x6030_0000_0010_0040n,
      0x7f00_1234_5678n,
    ]);
    const attr = new DataView(encodeKvmDeviceAttr({ group: 4, attr: 0n, addr: 0x1000n }).buffer);
    expect([attr.getUint32(0, true), attr.getUint32(4, true)]).toEqual([0, 4]);
    expect([attr.getBigUint64(8, true), attr.getBigUint64(16, true)]).toEqual([0n, 0x1000n]);
    const create = encodeKvmCreateDevice(7);
    expect([...create]).toEqual([7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    create.set([9, 0, 0, 0], 4);
    expect(createdDeviceFd(create)).toBe(9);
  });

  it('names the capabilities an arm64 VM checks by their <linux/kvm.h> numbers', () => {
    expect([KvmCap.IRQCHIP, KvmCap.USER_MEMORY, KvmCap.ONE_REG]).toEqual([0, 3, 70]);
    expect([KvmCap.DEVICE_CTRL, KvmCap.ARM_PSCI_0_2]).toEqual([89, 102]);
  });
});
