import { gzipSync } from 'node:zlib';
import type { GuestMemory } from '@vmm/core';
import { describe, expect, it } from 'vitest';
import {
  BootLoaderError,
  BzImageLoader,
  decodeLz4Block,
  ImageLoader,
  nativeLz4BlockDecoder,
  type BootLoader,
} from '../src/index.js';
import { arm64GuestRam, arm64Image } from './fixtures/aarch64-image.js';
import { BZIMAGE_FIXTURE_DEFAULTS, buildBzImage, SeededRandom } from '@vmm/test-support';
import { buildElf64, withKernelRelocations } from './fixtures/elf.js';
import { lowGuestRam, MiB } from './fixtures/guest-ram.js';
import { lz4Block, lz4Stream } from './fixtures/lz4.js';

/**
 * Kernel files are input from whoever runs vmm, often downloaded: a damaged one must end in a
 * {@link BootLoaderError} that says what is wrong, never in a `RangeError` from a typed array,
 * a write outside guest RAM, or a hang. These tests damage well-formed images many ways, with
 * a seeded generator so that any failure replays, and require every outcome to be a boot state
 * or a boot-loader error.
 */

/** Values that break arithmetic on header fields when code forgets a bound. */
const EXTREME_WORDS = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff];

/**
 * `file` with one of several kinds of damage chosen by `random`: random bytes overwritten inside
 * `[from, to)`, a little-endian u32 there set to an extreme value, or the file cut short.
 */
function damaged(file: Uint8Array, from: number, to: number, random: SeededRandom): Uint8Array {
  const copy = file.slice();
  switch (random.below(3)) {
    case 0: {
      const count = 1 + random.below(4);
      for (let i = 0; i < count; i++) copy[from + random.below(to - from)] = random.below(256);
      return copy;
    }
    case 1: {
      const at = from + random.below(Math.max(1, to - from - 4));
      const value = EXTREME_WORDS[random.below(EXTREME_WORDS.length)]!;
      new DataView(copy.buffer).setUint32(at, value, true);
      return copy;
    }
    default:
      return copy.subarray(0, from + random.below(to - from));
  }
}

/**
 * Builds a loader and loads its kernel into `memory`, guest RAM of `ramSize` bytes (one RAM
 * serves every round: what a round leaves there does not matter to the next). Returns
 * `'loaded'` or the boot-loader error's class name, and rethrows anything else (the bug this
 * file looks for).
 */
function outcomeOf(build: () => BootLoader, memory: GuestMemory, ramSize: number): string {
  try {
    build().load({ memory, ramSize, vcpus: 1 });
    return 'loaded';
  } catch (error) {
    if (error instanceof BootLoaderError) return error.constructor.name;
    throw error;
  }
}

const RAM_SIZE = 64 * MiB;
/** Each fuzzing test takes a few seconds on a busy 2-core machine; well inside this. */
const FUZZ_TIMEOUT = 60_000;

/** A small relocatable "vmlinux": text at 16 MiB with relocations into it, data at 20 MiB. */
function relocatableVmlinux(): Uint8Array {
  const text = Uint8Array.from({ length: 0x2000 }, (_, i) => (i * 5 + 1) & 0xff);
  const data = Uint8Array.from({ length: 0x400 }, (_, i) => (i * 3 + 7) & 0xff);
  const elf = buildElf64({
    entry: 0x100_0000n,
    segments: [
      { physicalAddress: 0x100_0000n, data: text },
      { physicalAddress: 0x140_0000n, data, memorySize: 0x1000 },
    ],
  });
  const base = 0xffff_ffff_8100_0000n;
  return withKernelRelocations(elf, {
    add64: [base + 0x10n, base + 0x100n],
    subtract32: [base + 0x200n],
    add32: [base + 0x300n, base + 0x1ff0n],
  });
}

/**
 * One LZ4 block that decodes to `chunk`: literals up to the first 4 bytes that repeat the byte
 * before them or the bytes 256 back (zeros and the fixture's patterns), a match for those, then
 * literals to the end; all literals when nothing repeats. Damage so reaches both paths of a
 * decoder.
 */
function lz4BlockOf(chunk: Uint8Array): Uint8Array {
  for (let at = 8; at + 16 <= chunk.length; at++) {
    for (const distance of [1, 256]) {
      if (distance > at) continue;
      let repeats = true;
      for (let i = 0; i < 4; i++) repeats &&= chunk[at + i] === chunk[at - distance + i];
      if (!repeats) continue;
      return lz4Block([
        { literals: chunk.subarray(0, at), match: { distance, length: 4 } },
        { literals: chunk.subarray(at + 4) },
      ]);
    }
  }
  return lz4Block([{ literals: chunk }]);
}

/** `vmlinux` as a Linux LZ4 payload (4 KiB blocks), with the decompressed size at its end. */
function lz4Payload(vmlinux: Uint8Array): Uint8Array {
  return lz4Stream(vmlinux, 0x1000, true, lz4BlockOf);
}

describe('a damaged x86_64 bzImage', () => {
  const vmlinux = relocatableVmlinux();
  const kernel = buildBzImage({ compressedKernel: lz4Payload(vmlinux) });
  const { setupSects, payloadSize } = BZIMAGE_FIXTURE_DEFAULTS;
  const payloadStart = (setupSects + 1) * 512 + payloadSize;
  const decoders = ['vmm', 'guest'] as const;
  const memory = lowGuestRam(RAM_SIZE);

  it('is well formed before it is damaged, through either decompression', () => {
    for (const decompression of decoders) {
      const outcome = outcomeOf(
        () => new BzImageLoader({ kernel, cmdline: 'console=ttyS0', decompression }),
        memory,
        RAM_SIZE,
      );
      expect(outcome).toBe('loaded');
    }
  });

  const regions = [
    {
      name: 'in its setup header',
      from: 0x1f1,
      to: 0x270,
      reaches: ['InvalidKernelError', 'TruncatedKernelError', 'UnsupportedBootProtocolError'],
    },
    {
      name: 'in its LZ4 payload',
      from: payloadStart,
      to: kernel.length,
      reaches: ['InvalidKernelError', 'TruncatedKernelError'],
    },
  ];
  for (const { name, from, to, reaches } of regions) {
    it(
      `${name} ends in a boot state or a boot-loader error`,
      () => {
        const random = new SeededRandom(0x5eed_0000 + from);
        const outcomes = new Set<string>();
        for (let round = 0; round < 1000; round++) {
          const file = damaged(kernel, from, to, random);
          const decompression = decoders[round % 2]!;
          const outcome = outcomeOf(
            () => new BzImageLoader({ kernel: file, cmdline: 'console=ttyS0', decompression }),
            memory,
            RAM_SIZE,
          );
          outcomes.add(outcome);
        }
        for (const outcome of ['loaded', ...reaches]) expect(outcomes).toContain(outcome);
      },
      FUZZ_TIMEOUT,
    );
  }

  it(
    'with a damaged vmlinux inside a sound payload ends in a boot state or an error',
    () => {
      const random = new SeededRandom(0x5eed_e1f0);
      const headersEnd = 64 + 2 * 56;
      const outcomes = new Set<string>();
      for (let round = 0; round < 600; round++) {
        const inner =
          round % 3 === 0
            ? damaged(vmlinux, vmlinux.length - 40, vmlinux.length, random)
            : damaged(vmlinux, 0, headersEnd, random);
        const file = buildBzImage({ compressedKernel: lz4Payload(inner) });
        outcomes.add(
          outcomeOf(
            () =>
              new BzImageLoader({ kernel: file, cmdline: 'console=ttyS0', decompression: 'vmm' }),
            memory,
            RAM_SIZE,
          ),
        );
      }
      for (const outcome of ['loaded', 'InvalidKernelError', 'KernelTooLargeError']) {
        expect(outcomes).toContain(outcome);
      }
    },
    FUZZ_TIMEOUT,
  );
});

describe('a damaged LZ4 block', () => {
  const sound = lz4Block([
    { literals: Uint8Array.from({ length: 40 }, (_, i) => i), match: { distance: 8, length: 30 } },
    { literals: Uint8Array.from({ length: 300 }, (_, i) => i * 3) },
  ]);
  const decoders = [
    { name: 'JavaScript', decode: decodeLz4Block },
    { name: 'liblz4', decode: nativeLz4BlockDecoder() },
  ];
  for (const { name, decode } of decoders) {
    it.runIf(decode !== undefined)(
      `decodes within its output or is refused (${name} decoder)`,
      () => {
        const random = new SeededRandom(0x5eed_1234);
        let refused = 0;
        for (let round = 0; round < 5000; round++) {
          const output = new Uint8Array(1024);
          const length = decode!(damaged(sound, 0, sound.length, random), output);
          if (length < 0) refused++;
          else expect(length).toBeLessThanOrEqual(output.length);
        }
        expect(refused).toBeGreaterThan(0);
      },
    );
  }
});

describe('a damaged arm64 Image', () => {
  const image = arm64Image({ length: 0x4000, imageSize: 0x8_0000n });
  const compressed = new Uint8Array(gzipSync(image));
  const ramSize = 96 * MiB;
  const memory = arm64GuestRam(ramSize);

  const kernels = [
    {
      name: 'header',
      kernel: image,
      from: 0,
      to: 64,
      reaches: ['InvalidKernelError', 'TruncatedKernelError', 'UnsupportedBootProtocolError'],
    },
    {
      name: 'gzip stream',
      kernel: compressed,
      from: 0,
      to: compressed.length,
      reaches: ['InvalidKernelError', 'TruncatedKernelError'],
    },
  ];
  for (const { name, kernel, from, to, reaches } of kernels) {
    it(
      `with a damaged ${name} ends in a boot state or a boot-loader error`,
      () => {
        const random = new SeededRandom(0x5eed_a640 + from + to);
        const outcomes = new Set<string>();
        for (let round = 0; round < 1000; round++) {
          const file = damaged(kernel, from, to, random);
          outcomes.add(
            outcomeOf(
              () => new ImageLoader({ kernel: file, cmdline: 'console=ttyAMA0' }),
              memory,
              ramSize,
            ),
          );
        }
        for (const outcome of ['loaded', ...reaches]) expect(outcomes).toContain(outcome);
      },
      FUZZ_TIMEOUT,
    );
  }
});
