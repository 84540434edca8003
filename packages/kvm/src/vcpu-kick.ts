import { VmmError, type VirtHandle } from '@vmm/core';
import { KVM_SET_SIGNAL_MASK } from './bindings/ioctl-numbers.js';
import { KVM_SIGNAL_MASK_LAYOUT } from './bindings/kvm-signal-mask.js';
import { Errno } from './errno.js';
import { KvmError } from './kvm-error.js';
import { GLIBC_SIGSET_SIZE, SIG_BLOCK, SIG_IGN, TIMESPEC_SIZE, type Libc } from './libc.js';

/**
 * The signal that kicks a vCPU out of KVM_RUN: real-time signal 63 (SIGRTMAX - 1), which
 * neither Node nor libuv uses.
 */
export const KICK_SIGNAL = 63;

/**
 * What {@link kickVcpuThread} needs to interrupt one vCPU: the kernel id of the thread that
 * runs it. Thread ids are process-wide, so any thread of the process may kick.
 */
export type KvmKickHandle = Readonly<{
  /** Marks the handle as the KVM backend's. */
  backend: 'kvm';
  /** The vCPU's index. */
  vcpu: number;
  /** Kernel thread id of the thread running the vCPU. */
  tid: number;
}>;

/**
 * Prepares the calling thread and vCPU `fd` for kicks, the way QEMU does: the kick signal is
 * blocked in this thread (so it is never delivered, only left pending) and unblocked only
 * while KVM_RUN runs (KVM_SET_SIGNAL_MASK), so a kick sent at any time makes the current or
 * next KVM_RUN return EINTR. The signal is ignored process-wide, so a stray one is harmless.
 */
export function enableKicks(c: Libc, fd: number, vcpuId: number): void {
  c.signal(KICK_SIGNAL, SIG_IGN);
  const old = new Uint8Array(GLIBC_SIGSET_SIZE);
  const error = c.pthreadSigmask(SIG_BLOCK, kickSignalSet(), old);
  if (error !== 0) throw new KvmError('pthread_sigmask', error, `vCPU ${vcpuId}`);
  const layout = KVM_SIGNAL_MASK_LAYOUT;
  const mask = new Uint8Array(layout.size + layout.kernelSigsetSize);
  new DataView(mask.buffer).setUint32(layout.len, layout.kernelSigsetSize, true);
  mask.set(old.subarray(0, layout.kernelSigsetSize), layout.sigset);
  mask[layout.sigset + signalByte(KICK_SIGNAL)]! &= ~signalBit(KICK_SIGNAL);
  if (c.ioctlBuffer(fd, KVM_SET_SIGNAL_MASK, mask) < 0) {
    throw new KvmError('KVM_SET_SIGNAL_MASK', c.errno(), `vCPU ${vcpuId}`);
  }
}

/** Takes every pending kick off the calling thread, so the next KVM_RUN enters the guest. */
export function drainKicks(c: Libc): void {
  const set = kickSignalSet();
  const noWait = new Uint8Array(TIMESPEC_SIZE);
  while (c.sigtimedwait(set, noWait) === KICK_SIGNAL);
}

/** The handle that lets another thread kick vCPU `vcpu`, run by the calling thread. */
export function kickHandleOfThisThread(c: Libc, vcpu: number): KvmKickHandle {
  return { backend: 'kvm', vcpu, tid: c.gettid() };
}

/**
 * Sends the kick signal to the vCPU thread `handle` names. A thread that has already exited
 * has no vCPU left to kick, so that is not an error.
 */
export function kickVcpuThread(c: Libc, handle: VirtHandle): void {
  const { backend, tid, vcpu } = handle;
  if (backend !== 'kvm' || typeof tid !== 'number' || !Number.isSafeInteger(tid) || tid <= 0) {
    throw new VmmError(`not a KVM vCPU kick handle: backend=${String(backend)} tid=${String(tid)}`);
  }
  if (c.tgkill(process.pid, tid, KICK_SIGNAL) < 0) {
    const errno = c.errno();
    if (errno !== Errno.ESRCH) throw new KvmError('tgkill', errno, `kicking vCPU ${String(vcpu)}`);
  }
}

function kickSignalSet(): Uint8Array {
  const set = new Uint8Array(GLIBC_SIGSET_SIZE);
  set[signalByte(KICK_SIGNAL)] = signalBit(KICK_SIGNAL);
  return set;
}

/** Signal n is bit n - 1 of a little-endian signal set. */
function signalByte(signal: number): number {
  return (signal - 1) >> 3;
}

function signalBit(signal: number): number {
  return 1 << ((signal - 1) & 7);
}
