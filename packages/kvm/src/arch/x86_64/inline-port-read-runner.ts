import { Errno } from '../../errno.js';
import { KvmError } from '../../kvm-error.js';
import {
  MAP_ANONYMOUS,
  MAP_FAILED,
  MAP_PRIVATE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  type Libc,
  type RunLoop,
} from '../../libc.js';
import { NativeBuffer } from '../../native-buffer.js';

/**
 * `int run_loop(int fd, struct kvm_run *run, struct block *block)`, x86-64 machine code
 * (System V ABI): KVM_RUN until an exit that is not the block's port read, answering each one
 * from the word the block points at. It returns 0 with `run` describing the exit that needs
 * the VMM, or KVM_RUN's negative errno (a kick's -EINTR among them). Assembled from:
 *
 * ```
 *       mov r8, rsi                  ; kvm_run
 *       mov r9, rdx                  ; block
 *       mov r10, [r9]                ; block.word: the inline read word
 * run:  mov eax, 16                  ; SYS_ioctl (rdi still holds the vCPU fd)
 *       mov esi, 0xae80              ; KVM_RUN
 *       xor edx, edx
 *       syscall                      ; clobbers rax, rcx, r11 only
 *       test eax, eax
 *       jne done                     ; -errno
 *       cmp dword [r8+8], 2          ; exit_reason == KVM_EXIT_IO
 *       jne slow
 *       mov ecx, [r9+8]              ; block.io: direction in, size 1, the port
 *       cmp dword [r8+32], ecx       ; io.direction, io.size, io.port
 *       jne slow
 *       cmp dword [r8+36], 1         ; io.count
 *       jne slow
 *       mov ecx, [r10]
 *       test ecx, 0xffffff00         ; a deferring bit: the VMM answers this one
 *       jne slow
 *       mov rdx, [r8+40]             ; io.data_offset
 *       mov [r8+rdx], cl             ; the byte the `in` returns on the next KVM_RUN
 *       inc qword [r9+16]            ; block.answered
 *       jmp run
 * slow: xor eax, eax
 * done: ret
 * ```
 */
const RUN_LOOP_CODE = Uint8Array.of(
  ...[0x49, 0x89, 0xf0],
  ...[0x49, 0x89, 0xd1],
  ...[0x4d, 0x8b, 0x11],
  ...[0xb8, 0x10, 0x00, 0x00, 0x00],
  ...[0xbe, 0x80, 0xae, 0x00, 0x00],
  ...[0x31, 0xd2],
  ...[0x0f, 0x05],
  ...[0x85, 0xc0],
  ...[0x75, 0x33],
  ...[0x41, 0x83, 0x78, 0x08, 0x02],
  ...[0x75, 0x2a],
  ...[0x41, 0x8b, 0x49, 0x08],
  ...[0x41, 0x39, 0x48, 0x20],
  ...[0x75, 0x20],
  ...[0x41, 0x83, 0x78, 0x24, 0x01],
  ...[0x75, 0x19],
  ...[0x41, 0x8b, 0x0a],
  ...[0xf7, 0xc1, 0x00, 0xff, 0xff, 0xff],
  ...[0x75, 0x0e],
  ...[0x49, 0x8b, 0x50, 0x28],
  ...[0x41, 0x88, 0x0c, 0x10],
  ...[0x49, 0xff, 0x41, 0x10],
  ...[0xeb, 0xbd],
  ...[0x31, 0xc0],
  ...[0xc3],
);

/** Byte offsets in the run loop's block. */
const BLOCK = {
  /** u64: address of the inline read word. */
  word: 0,
  /** u32: `kvm_run.io`'s first word for the port's read: in (0), size 1, the port. */
  io: 8,
  /** u64: reads answered without leaving the loop. */
  answered: 16,
  /** The block's size. */
  size: 24,
} as const;

/** The code page's size (x86 pages are 4 KiB). */
const CODE_PAGE_SIZE = 4096;

/** `kvm_run.io.direction` of an `in`. */
const KVM_EXIT_IO_IN = 0;

/**
 * KVM_RUN for one x86 vCPU through a few instructions of native code instead of a koffi ioctl
 * per exit, so that one-byte reads of one port (a UART's line status, polled before every
 * console byte) are answered from a shared word without returning to JavaScript: each such exit
 * then costs the kernel's round trip to userspace and about twenty instructions, not koffi's
 * call path and the VMM's exit decoding. Every other exit, and the port's reads while the word
 * defers them (see `Vcpu.answerPortReads`), come back to {@link run}'s caller as before.
 *
 * The code is written into a page of its own, which is then made read-and-execute only.
 */
export class InlinePortReadRunner {
  readonly #libc: Libc;
  readonly #code: bigint;
  readonly #block: NativeBuffer;
  readonly #runLoop: RunLoop;
  /** Holds the word's buffer, whose address the block keeps, for as long as the runner lives. */
  readonly #word: Int32Array;
  #closed = false;

  /**
   * Prepares the loop for reads of `port` answered from `word[0]`.
   *
   * @throws {@link KvmError} when the code page cannot be mapped or made executable.
   */
  constructor(c: Libc, port: number, word: Int32Array) {
    const code = c.mmap(
      null,
      CODE_PAGE_SIZE,
      PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS,
      -1,
      0,
    );
    if (code === MAP_FAILED) throw new KvmError('mmap', c.errno(), 'the inline port-read loop');
    new Uint8Array(c.view(code, CODE_PAGE_SIZE)).set(RUN_LOOP_CODE);
    if (c.mprotect(code, CODE_PAGE_SIZE, PROT_READ | PROT_EXEC) !== 0) {
      const errno = c.errno();
      c.munmap(code, CODE_PAGE_SIZE);
      throw new KvmError('mprotect', errno, 'the inline port-read loop');
    }
    this.#libc = c;
    this.#code = code;
    this.#word = word;
    this.#block = new NativeBuffer(c, BLOCK.size);
    this.#block.view.setBigUint64(BLOCK.word, c.addressOf(word), true);
    this.#block.view.setUint32(BLOCK.io, (port << 16) | (1 << 8) | KVM_EXIT_IO_IN, true);
    this.#runLoop = c.runLoopAt(code);
  }

  /**
   * Runs vCPU `fd`, whose `kvm_run` area is at `runAddress`, until an exit for the VMM: 0 then,
   * or `-errno` when KVM_RUN failed (`-EINTR` for a kick).
   */
  run(fd: number, runAddress: bigint): number {
    if (this.#closed) return -Errno.EBADF;
    return this.#runLoop(fd, runAddress, this.#block.address);
  }

  /** How many reads the loop has answered by itself. */
  get answered(): number {
    return Number(this.#block.view.getBigUint64(BLOCK.answered, true));
  }

  /** The word the reads are answered from. */
  get word(): Int32Array {
    return this.#word;
  }

  /** Unmaps the code and frees the block. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#libc.munmap(this.#code, CODE_PAGE_SIZE);
    this.#block.free();
  }
}
