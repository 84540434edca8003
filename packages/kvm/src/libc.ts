import { createRequire } from 'node:module';

type Koffi = typeof import('koffi').default;

/** `open` flags (Linux). */
export const O_RDWR = 0o2;
/** Close the descriptor on `exec` (Linux). */
export const O_CLOEXEC = 0o2000000;
/** Pages may be read. */
export const PROT_READ = 0x1;
/** Pages may be written. */
export const PROT_WRITE = 0x2;
/** Pages may be executed. */
export const PROT_EXEC = 0x4;
/** Share the mapping (with the kernel for `kvm_run`, with other mappers for RAM). */
export const MAP_SHARED = 0x01;
/** Keep the mapping private to this process (copy-on-write). */
export const MAP_PRIVATE = 0x02;
/** Place the mapping exactly at the given address, replacing what was there. */
export const MAP_FIXED = 0x10;
/** Not backed by a file: zero-filled memory. */
export const MAP_ANONYMOUS = 0x20;
/** Do not reserve swap: guest RAM is committed only as the guest touches it. */
export const MAP_NORESERVE = 0x4000;
/** `madvise` advice: exclude the range from children made by `fork`. */
export const MADV_DONTFORK = 10;
/** `madvise` advice: back the range with transparent huge pages where possible. */
export const MADV_HUGEPAGE = 14;
/** What `mmap` returns on failure: `(void *)-1`. */
export const MAP_FAILED = 0xffff_ffff_ffff_ffffn;
/** `pthread_sigmask` how: add the set to the blocked signals. */
export const SIG_BLOCK = 0;
/** Signal disposition: discard the signal. */
export const SIG_IGN = 1n;
/** Size of glibc's `sigset_t` (1024 bits). */
export const GLIBC_SIGSET_SIZE = 128;
/** Size of `struct timespec` on 64-bit Linux. */
export const TIMESPEC_SIZE = 16;
/**
 * The largest view {@link Libc.view} makes: Node (napi external ArrayBuffers) refuses larger
 * ones, and koffi turns that refusal into a process abort, so it is checked first.
 */
export const MAX_VIEW_SIZE = 2 ** 32;

/**
 * The C library calls the KVM backend makes, bound through koffi. Pointers are `bigint`
 * host addresses; every call returns what the C function returns, with `errno()` holding
 * the reason after a failure.
 */
export interface Libc {
  /** `open(2)`: a new file descriptor, or -1. */
  open(path: string, flags: number): number;
  /** `close(2)`: 0, or -1. */
  close(fd: number): number;
  /** `ioctl(2)` whose argument points at `arg`'s bytes (the kernel may read and write them). */
  ioctlBuffer(fd: number, request: number, arg: Uint8Array): number;
  /** `ioctl(2)` whose argument is an integer (a vCPU id, an address, or 0). */
  ioctlValue(fd: number, request: number, arg: number | bigint): number;
  /** `mmap(2)`: the mapping's address, or {@link MAP_FAILED}. */
  mmap(
    address: bigint | null,
    length: number,
    prot: number,
    flags: number,
    fd: number,
    offset: number,
  ): bigint;
  /** `munmap(2)`: 0, or -1. */
  munmap(address: bigint, length: number): number;
  /** `madvise(2)`: 0, or -1. */
  madvise(address: bigint, length: number, advice: number): number;
  /** `mprotect(2)`: 0, or -1. */
  mprotect(address: bigint, length: number, prot: number): number;
  /** The host address of `array`'s first byte (its backing store stays put while it lives). */
  addressOf(array: ArrayBufferView): bigint;
  /**
   * The machine code at `address` as a function `int f(int fd, uint64 run, uint64 block)`
   * (the System V calling convention), for {@link InlinePortReadRunner}'s run loop.
   */
  runLoopAt(address: bigint): RunLoop;
  /**
   * `calloc(3)`: the address of `count * size` zeroed bytes of native memory (for values the
   * kernel reaches through a pointer inside an ioctl's struct), or 0n.
   */
  calloc(count: number, size: number): bigint;
  /** `free(3)`: releases memory {@link Libc.calloc} returned. */
  free(address: bigint): void;
  /** `gettid(2)`: the kernel id of the calling thread. */
  gettid(): number;
  /** `tgkill(2)`: sends signal `sig` to thread `tid` of process `tgid`; 0, or -1. */
  tgkill(tgid: number, tid: number, sig: number): number;
  /** `signal(2)` with a constant disposition such as {@link SIG_IGN}. */
  signal(sig: number, disposition: bigint): void;
  /** `pthread_sigmask(3)` on glibc `sigset_t` buffers; 0, or an error number. */
  pthreadSigmask(how: number, set: Uint8Array, oldSet: Uint8Array): number;
  /** `sigtimedwait(2)` on a glibc `sigset_t`: the signal taken, or -1 (EAGAIN: none pending). */
  sigtimedwait(set: Uint8Array, timeout: Uint8Array): number;
  /** The calling thread's `errno` after the last call. */
  errno(): number;
  /**
   * An ArrayBuffer over `length` bytes of this process's memory at `address` (no copy).
   * Throws a RangeError above {@link MAX_VIEW_SIZE}.
   */
  view(address: bigint, length: number): ArrayBuffer;
}

/** A native run loop bound by {@link Libc.runLoopAt}: a vCPU fd, its `kvm_run` area, its block. */
export type RunLoop = (fd: number, run: bigint, block: bigint) => number;

let loaded: Libc | undefined;

/**
 * The {@link Libc} bindings of this thread, loaded on first use so that importing the package
 * loads neither koffi nor the C library (it imports on every OS; only using it needs Linux).
 */
export function libc(): Libc {
  loaded ??= bind(createRequire(import.meta.url)('koffi') as Koffi);
  return loaded;
}

function bind(koffi: Koffi): Libc {
  const lib = koffi.load('libc.so.6');
  const runLoopType = koffi.proto('int RunLoop(int fd, uint64_t run, uint64_t block)');
  const sigtimedwait = lib.func('int sigtimedwait(void *set, void *info, void *timeout)');
  return {
    open: lib.func('int open(const char *path, int flags)'),
    close: lib.func('int close(int fd)'),
    ioctlBuffer: lib.func('int ioctl(int fd, unsigned long request, void *arg)'),
    ioctlValue: lib.func('int ioctl(int fd, unsigned long request, unsigned long arg)'),
    mmap: lib.func(
      'void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset)',
    ),
    munmap: lib.func('int munmap(void *addr, size_t length)'),
    madvise: lib.func('int madvise(void *addr, size_t length, int advice)'),
    mprotect: lib.func('int mprotect(void *addr, size_t length, int prot)'),
    addressOf: (array) => koffi.address(array),
    runLoopAt: (address) => koffi.decode(address, runLoopType) as RunLoop,
    calloc: lib.func('void *calloc(size_t count, size_t size)'),
    free: lib.func('void free(void *ptr)'),
    gettid: lib.func('int gettid(void)'),
    tgkill: lib.func('int tgkill(int tgid, int tid, int sig)'),
    signal: lib.func('void *signal(int sig, void *handler)'),
    pthreadSigmask: lib.func('int pthread_sigmask(int how, void *set, void *oldset)'),
    sigtimedwait: (set, timeout) => sigtimedwait(set, null, timeout),
    errno: () => koffi.errno(),
    view: (address, length) => {
      if (length > MAX_VIEW_SIZE) {
        throw new RangeError(`a view of ${length} bytes is over the ${MAX_VIEW_SIZE}-byte limit`);
      }
      return koffi.view(address, length);
    },
  };
}
