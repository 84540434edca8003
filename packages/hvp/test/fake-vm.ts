// A VM on the fake framework, for tests: the virt, its boot vCPU and their fakes.
import {
  FakeHvApi,
  HvExitReason,
  HvReg,
  HvpVirt,
  hvRegX,
  type FakeHvApiOptions,
  type FakeVcpu,
  type FakeVcpuStep,
  type HvpVcpu,
} from '../src/index.js';
import { HVC } from './syndromes.js';

/** Where fake guests "run". */
export const ENTRY = 0x4008_0000n;
/** Where fake guests keep their device tree. */
export const DEVICE_TREE = 0x4400_0000n;

export interface FakeVm {
  api: FakeHvApi;
  virt: HvpVirt;
  vcpu: HvpVcpu;
  fake: FakeVcpu;
}

/** A fake VM with `vcpus` vCPUs (GIC if `gic`), its vCPU 0 created and booted at ENTRY. */
export function fakeVm(options: { vcpus?: number; gic?: boolean } & FakeHvApiOptions = {}): FakeVm {
  const api = new FakeHvApi(options);
  const virt = HvpVirt.create({ vcpus: options.vcpus ?? 1 }, api);
  if (options.gic ?? false) virt.createIrqChip();
  const vcpu = virt.createVcpu(0);
  vcpu.setBootState({ mode: 'aarch64', entry: ENTRY, deviceTree: DEVICE_TREE });
  return { api, virt, vcpu, fake: api.vcpu(vcpu.hvVcpu) };
}

/** A step that makes a PSCI call over HVC with x0..x3 as given, after `before` ran. */
export function psciStep(
  functionId: number,
  x1 = 0n,
  x2 = 0n,
  x3 = 0n,
  before?: (vcpu: FakeVcpu) => void,
): FakeVcpuStep {
  return {
    syndrome: HVC,
    guest: (vcpu) => {
      before?.(vcpu);
      vcpu.registers.set(HvReg.X0, BigInt(functionId));
      vcpu.registers.set(hvRegX(1), x1);
      vcpu.registers.set(hvRegX(2), x2);
      vcpu.registers.set(hvRegX(3), x3);
    },
  };
}

/** A step that exits for an exception with `syndrome`, after `guest` ran. */
export function exceptionStep(
  syndrome: bigint,
  guest?: (vcpu: FakeVcpu) => void,
  physicalAddress = 0n,
): FakeVcpuStep {
  return { reason: HvExitReason.EXCEPTION, syndrome, physicalAddress, guest };
}

/** -1 etc. as the 64-bit value the guest sees in x0. */
export function u64(value: number): bigint {
  return BigInt.asUintN(64, BigInt(value));
}
