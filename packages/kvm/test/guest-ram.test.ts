import { describe, expect, it } from 'vitest';
import { GUEST_RAM_ALIGNMENT, mapGuestRam } from '../src/guest-ram.js';
import { KvmError } from '../src/kvm-error.js';
import {
  MADV_DONTFORK,
  MADV_HUGEPAGE,
  MAP_ANONYMOUS,
  MAP_FAILED,
  MAP_NORESERVE,
  MAP_PRIVATE,
  libc,
  type Libc,
} from '../src/libc.js';
import { KvmVirt } from '../src/kvm-virt.js';
import { hasKvm } from './kvm-host.js';

/** A libc whose mmap returns `base` and which records every call. */
function recordingLibc(base: bigint): { c: Libc; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const c = {
    mmap: (address: bigint | null, length: number, prot: number, flags: number, fd: number) => {
      calls.push(['mmap', address, length, prot, flags, fd]);
      return base;
    },
    munmap: (address: bigint, length: number) => {
      calls.push(['munmap', address, length]);
      return 0;
    },
    madvise: (address: bigint, length: number, advice: number) => {
      calls.push(['madvise', address, length, advice]);
      return 0;
    },
    errno: () => 12,
  } as unknown as Libc;
  return { c, calls };
}

describe('mapGuestRam', () => {
  it('maps private, unreserved memory, trims it to a 2 MiB boundary and advises huge pages', () => {
    const { c, calls } = recordingLibc(0x7f00_0012_3000n);
    const address = mapGuestRam(c, 0x40_0000);
    expect(address).toBe(0x7f00_0020_0000n);
    const span = 0x40_0000 + GUEST_RAM_ALIGNMENT;
    expect(calls).toEqual([
      ['mmap', null, span, 3, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1],
      ['munmap', 0x7f00_0012_3000n, 0x0d_d000],
      ['munmap', 0x7f00_0060_0000n, span - 0x0d_d000 - 0x40_0000],
      ['madvise', address, 0x40_0000, MADV_HUGEPAGE],
      ['madvise', address, 0x40_0000, MADV_DONTFORK],
    ]);
  });

  it('unmaps no head when the kernel already returned an aligned address', () => {
    const { c, calls } = recordingLibc(0x7f00_0040_0000n);
    expect(mapGuestRam(c, 0x1000)).toBe(0x7f00_0040_0000n);
    expect(calls.filter((call) => call[0] === 'munmap')).toEqual([
      ['munmap', 0x7f00_0040_1000n, GUEST_RAM_ALIGNMENT],
    ]);
  });

  it('rounds a size that is not whole pages up to whole pages', () => {
    const { c, calls } = recordingLibc(0x7f00_0040_0000n);
    mapGuestRam(c, 0x1001);
    expect(calls[0]![2]).toBe(0x2000 + GUEST_RAM_ALIGNMENT);
    expect(calls.at(-1)).toEqual(['madvise', 0x7f00_0040_0000n, 0x2000, MADV_DONTFORK]);
  });

  it('throws a KvmError naming mmap when the kernel refuses', () => {
    const { c } = recordingLibc(MAP_FAILED);
    expect(() => mapGuestRam(c, 0x1000)).toThrow(KvmError);
    expect(() => mapGuestRam(c, 0x1000)).toThrow(/mmap/);
  });

  it.skipIf(!hasKvm)('gives KVM guest RAM on a 2 MiB boundary that reads as zeros', () => {
    const virt = KvmVirt.create({ vcpus: 1 });
    try {
      const memory = virt.allocateMemory(0x30_0000);
      expect(memory.hostAddress % BigInt(GUEST_RAM_ALIGNMENT)).toBe(0n);
      expect(memory.bytes.every((byte) => byte === 0)).toBe(true);
      memory.bytes[0x2f_ffff] = 7;
      expect(new Uint8Array(libc().view(memory.hostAddress, 0x30_0000))[0x2f_ffff]).toBe(7);
    } finally {
      virt.close();
    }
  });
});
