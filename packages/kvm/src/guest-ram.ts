import { KvmError } from './kvm-error.js';
import {
  MADV_DONTFORK,
  MADV_HUGEPAGE,
  MAP_ANONYMOUS,
  MAP_FAILED,
  MAP_NORESERVE,
  MAP_PRIVATE,
  PROT_READ,
  PROT_WRITE,
  type Libc,
} from './libc.js';

/**
 * Guest RAM starts on this boundary (the x86_64 and arm64 huge page size with 4 KiB pages), so
 * that KVM can back whole 2 MiB guest-physical blocks with one transparent huge page: a slot
 * whose host and guest addresses agree modulo 2 MiB is mapped with 2 MiB stage-2 (EPT/NPT)
 * entries, which means 512 times fewer guest page faults while the guest first touches its RAM.
 */
export const GUEST_RAM_ALIGNMENT = 0x20_0000;

const PAGE_SIZE = 4096;

function roundUp(value: bigint, alignment: bigint): bigint {
  return ((value + alignment - 1n) / alignment) * alignment;
}

/**
 * Maps `size` bytes (rounded up to whole pages) of zeroed guest RAM and returns its address:
 * private anonymous memory (threads of this process share it; nothing else needs to), not
 * reserved (committed as the guest touches it), aligned to {@link GUEST_RAM_ALIGNMENT},
 * advised as huge-page memory (`MADV_HUGEPAGE`, as QEMU does; ignored where the kernel has no
 * transparent huge pages) and kept out of children forked by this process (`MADV_DONTFORK`:
 * a spawned program must not copy the guest's page tables).
 *
 * @throws {@link KvmError} when the kernel refuses the mapping.
 */
export function mapGuestRam(c: Libc, size: number): bigint {
  const length = Number(roundUp(BigInt(size), BigInt(PAGE_SIZE)));
  const span = length + GUEST_RAM_ALIGNMENT;
  const flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  const base = c.mmap(null, span, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (base === MAP_FAILED) {
    throw new KvmError('mmap', c.errno(), `allocating ${size} bytes of guest RAM`);
  }
  const address = roundUp(base, BigInt(GUEST_RAM_ALIGNMENT));
  const head = Number(address - base);
  if (head > 0) c.munmap(base, head);
  const tail = span - head - length;
  if (tail > 0) c.munmap(address + BigInt(length), tail);
  c.madvise(address, length, MADV_HUGEPAGE);
  c.madvise(address, length, MADV_DONTFORK);
  return address;
}
