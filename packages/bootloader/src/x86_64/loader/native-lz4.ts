import { createRequire } from 'node:module';
import type { Lz4BlockDecoder } from './lz4-legacy.js';

/** Names under which the host's liblz4 is looked for, in order (Linux, then macOS). */
const LIBLZ4_NAMES = ['liblz4.so.1', 'liblz4.dylib', '/opt/homebrew/lib/liblz4.dylib'];

/** The part of koffi's API this module uses. */
interface Koffi {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
}

let cached: Lz4BlockDecoder | null | undefined;

/**
 * liblz4's `LZ4_decompress_safe`, called through koffi, as an {@link Lz4BlockDecoder}; or
 * `undefined` when koffi (an optional peer dependency) or the library cannot be loaded, in which
 * case the JavaScript decoder serves. The native one is ~5x faster natively and ~20x in an
 * emulated host, where a kernel's 53 MB took 1.4-2.3 s in JavaScript and 0.06 s in liblz4
 * (docs/BENCHMARKS.md). Looked up once per process.
 */
export function nativeLz4BlockDecoder(): Lz4BlockDecoder | undefined {
  if (cached === undefined) cached = loadNativeDecoder() ?? null;
  return cached ?? undefined;
}

function loadNativeDecoder(): Lz4BlockDecoder | undefined {
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch {
    return undefined;
  }
  for (const name of LIBLZ4_NAMES) {
    let library;
    try {
      library = koffi.load(name);
    } catch {
      continue;
    }
    const decompress = library.func(
      'int LZ4_decompress_safe(const uint8_t *src, uint8_t *dst, int compressedSize, int dstCapacity)',
    );
    return (input, output) => decompress(input, output, input.length, output.length) as number;
  }
  return undefined;
}
