import * as armIoctls from '../src/bindings/aarch64/ioctl-numbers.js';
import * as ioctls from '../src/bindings/ioctl-numbers.js';
import { KVM_RUN_LAYOUT } from '../src/bindings/kvm-run.js';
import type { Libc } from '../src/libc.js';

/** One ioctl the fake saw, with the fields of its argument that the tests check. */
export interface FakeIoctl {
  /** The descriptor it was made on. */
  readonly fd: number;
  /** The ioctl's name (`KVM_CREATE_VCPU`). */
  readonly ioctl: string;
  /** Its argument, decoded: an integer, or the struct fields that matter. */
  readonly arg?: unknown;
}

/** A device attribute the fake saw set. */
interface DeviceAttr {
  readonly group: number;
  readonly attr: bigint;
  readonly value?: readonly number[];
}

const NAMES = new Map<number, string>(
  Object.entries({ ...ioctls, ...armIoctls })
    .filter(([name]) => name !== 'KVMIO')
    .map(([name, value]) => [value, name]),
);

/** KVM_ARM_TARGET_GENERIC_V8, what an arm64 KVM prefers on most hosts. */
export const FAKE_TARGET = 5;
const ENXIO = 6;
const EINTR = 4;

/**
 * A fake C library standing in for koffi + libc + an arm64 `/dev/kvm`, so the aarch64 path can
 * be driven on any host: it answers the KVM ioctls the backend makes, records each one in
 * order, keeps per-vCPU registers, and backs `mmap`/`calloc` with JS memory that `view` sees.
 */
export class FakeKvm implements Libc {
  /** Every ioctl, in order. */
  ioctls: FakeIoctl[] = [];
  /** Every descriptor closed, in order. */
  closed: number[] = [];
  /** `KVM_CAP_*` numbers this KVM lacks. */
  missingCaps = new Set<number>();
  /** What KVM_CHECK_EXTENSION answers for a capability it has, by `KVM_CAP_*` (default 8). */
  capabilityValues = new Map<number, number>();
  /** errno to fail KVM_CREATE_DEVICE with, if any. */
  createDeviceErrno: number | undefined;
  /** How many KVM_CREATE_VM calls still fail with EINTR, as a signal during one makes them. */
  createVmInterruptions = 0;
  /** Called on KVM_RUN with the vCPU's `kvm_run` area, to write the exit the test wants. */
  onRun: (run: DataView, vcpuFd: number) => void = () => undefined;
  /** Registers set through KVM_SET_ONE_REG, by vCPU fd then register id. */
  readonly registers = new Map<number, Map<bigint, bigint>>();
  /** vCPU id of each vCPU fd. */
  readonly vcpuIds = new Map<number, number>();
  readonly #memory = new Map<bigint, ArrayBuffer>();
  readonly #runAreas = new Map<number, bigint>();
  #nextFd = 3;
  #nextAddress = 0x7f00_0000_0000n;
  #errno = 0;

  /** Forgets everything, as a fresh process would. */
  reset(): void {
    this.ioctls = [];
    this.closed = [];
    this.missingCaps = new Set();
    this.capabilityValues = new Map();
    this.createDeviceErrno = undefined;
    this.createVmInterruptions = 0;
    this.onRun = () => undefined;
    this.registers.clear();
    this.vcpuIds.clear();
    this.#memory.clear();
    this.#runAreas.clear();
    this.#nextFd = 3;
  }

  /** Forgets the ioctls and closes seen so far, keeping the VM state. */
  clearLog(): void {
    this.ioctls = [];
    this.closed = [];
  }

  /** The ioctl names in order, without their arguments. */
  names(): string[] {
    return this.ioctls.map((call) => call.ioctl);
  }

  /** How many calloc or mmap regions are still allocated. */
  get liveAllocations(): number {
    return this.#memory.size;
  }

  open(): number {
    return this.#nextFd++;
  }

  close(fd: number): number {
    this.closed.push(fd);
    return 0;
  }

  ioctlValue(fd: number, request: number, arg: number | bigint): number {
    const ioctl = this.#name(request);
    this.ioctls.push({ fd, ioctl, arg: Number(arg) });
    switch (request) {
      case ioctls.KVM_GET_API_VERSION:
        return 12;
      case ioctls.KVM_CHECK_EXTENSION:
        if (this.missingCaps.has(Number(arg))) return 0;
        return this.capabilityValues.get(Number(arg)) ?? 8;
      case ioctls.KVM_GET_VCPU_MMAP_SIZE:
        return 0x3000;
      case ioctls.KVM_CREATE_VM:
        if (this.createVmInterruptions > 0) {
          this.createVmInterruptions--;
          return this.#fail(EINTR);
        }
        return this.#nextFd++;
      case ioctls.KVM_CREATE_VCPU: {
        const vcpuFd = this.#nextFd++;
        this.vcpuIds.set(vcpuFd, Number(arg));
        return vcpuFd;
      }
      case ioctls.KVM_RUN: {
        this.onRun(new DataView(this.#memory.get(this.#runAreas.get(fd)!)!), fd);
        return 0;
      }
      default:
        throw new Error(`the fake KVM does not expect ${ioctl} with an integer argument`);
    }
  }

  ioctlBuffer(fd: number, request: number, bytes: Uint8Array): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const ioctl = this.#name(request);
    const record = (arg?: unknown) => this.ioctls.push({ fd, ioctl, arg });
    switch (request) {
      case armIoctls.KVM_ARM_PREFERRED_TARGET:
        record();
        view.setUint32(0, FAKE_TARGET, true);
        return 0;
      case armIoctls.KVM_ARM_VCPU_INIT:
        record({ target: view.getUint32(0, true), features: view.getUint32(4, true) });
        return 0;
      case ioctls.KVM_CREATE_DEVICE: {
        record({ type: view.getUint32(0, true) });
        if (this.createDeviceErrno !== undefined) return this.#fail(this.createDeviceErrno);
        view.setUint32(4, this.#nextFd++, true);
        return 0;
      }
      case ioctls.KVM_SET_DEVICE_ATTR:
        record(this.#deviceAttr(view));
        return 0;
      case ioctls.KVM_HAS_DEVICE_ATTR: {
        const attr = this.#deviceAttr(view);
        record(attr);
        return attr.group <= 4 ? 0 : this.#fail(ENXIO);
      }
      case ioctls.KVM_SET_ONE_REG: {
        const id = view.getBigUint64(0, true);
        const value = this.#u64At(view.getBigUint64(8, true)).getBigUint64(0, true);
        record({ id, value });
        this.#registersOf(fd).set(id, value);
        return 0;
      }
      case ioctls.KVM_GET_ONE_REG: {
        const id = view.getBigUint64(0, true);
        record({ id });
        this.#u64At(view.getBigUint64(8, true)).setBigUint64(
          0,
          this.#registersOf(fd).get(id) ?? 0n,
          true,
        );
        return 0;
      }
      case ioctls.KVM_IRQ_LINE:
        record({ irq: view.getUint32(0, true), level: view.getUint32(4, true) });
        return 0;
      case ioctls.KVM_SET_SIGNAL_MASK:
      case ioctls.KVM_SET_USER_MEMORY_REGION:
        record();
        return 0;
      default:
        throw new Error(`the fake KVM does not expect ${ioctl}`);
    }
  }

  mmap(_address: bigint | null, length: number, _prot: number, _flags: number, fd: number): bigint {
    const address = this.#allocate(length);
    if (fd >= 0) this.#runAreas.set(fd, address);
    return address;
  }

  munmap(address: bigint): number {
    this.#memory.delete(address);
    return 0;
  }

  madvise(): number {
    return 0;
  }

  mprotect(): number {
    return 0;
  }

  addressOf(): bigint {
    throw new Error('the fake KVM has no native memory to point into');
  }

  runLoopAt(): never {
    throw new Error('the fake KVM cannot run native code');
  }

  calloc(count: number, size: number): bigint {
    return this.#allocate(count * size);
  }

  free(address: bigint): void {
    this.#memory.delete(address);
  }

  gettid(): number {
    return 4242;
  }

  tgkill(): number {
    return 0;
  }

  signal(): void {}

  pthreadSigmask(): number {
    return 0;
  }

  sigtimedwait(): number {
    return -1;
  }

  errno(): number {
    return this.#errno;
  }

  view(address: bigint, length: number): ArrayBuffer {
    const buffer = this.#memory.get(address);
    if (buffer === undefined || buffer.byteLength < length) {
      throw new Error(`the fake has no ${length} bytes at ${address}`);
    }
    return buffer;
  }

  #name(request: number): string {
    return NAMES.get(request) ?? `ioctl 0x${request.toString(16)}`;
  }

  #fail(errno: number): number {
    this.#errno = errno;
    return -1;
  }

  #allocate(size: number): bigint {
    const address = this.#nextAddress;
    this.#nextAddress += BigInt(Math.ceil(size / 0x20_0000) + 1) * 0x20_0000n;
    this.#memory.set(address, new ArrayBuffer(size));
    return address;
  }

  #u64At(address: bigint): DataView {
    return new DataView(this.view(address, 8));
  }

  #deviceAttr(view: DataView): DeviceAttr {
    const group = view.getUint32(4, true);
    const attr = view.getBigUint64(8, true);
    const address = view.getBigUint64(16, true);
    if (address === 0n) return { group, attr };
    return { group, attr, value: [...new Uint8Array(this.#memory.get(address)!)] };
  }

  #registersOf(fd: number): Map<bigint, bigint> {
    let registers = this.registers.get(fd);
    if (registers === undefined) {
      registers = new Map();
      this.registers.set(fd, registers);
    }
    return registers;
  }
}

/** The one fake the mocked `libc()` returns in a test file. */
export const fakeKvm = new FakeKvm();

/** Writes a KVM_EXIT_MMIO write of `data` at `address` into `run`. */
export function writeMmioExit(run: DataView, address: bigint, data: readonly number[]): void {
  run.setUint32(KVM_RUN_LAYOUT.exitReason, 6, true);
  run.setBigUint64(KVM_RUN_LAYOUT.mmio.physAddr, address, true);
  data.forEach((byte, i) => run.setUint8(KVM_RUN_LAYOUT.mmio.data + i, byte));
  run.setUint32(KVM_RUN_LAYOUT.mmio.len, data.length, true);
  run.setUint8(KVM_RUN_LAYOUT.mmio.isWrite, 1);
}

/** Writes a KVM_EXIT_SYSTEM_EVENT of `type` (1 shutdown, 2 reset) into `run`. */
export function writeSystemEventExit(run: DataView, type: number): void {
  run.setUint32(KVM_RUN_LAYOUT.exitReason, 24, true);
  run.setUint32(KVM_RUN_LAYOUT.systemEvent.type, type, true);
}
