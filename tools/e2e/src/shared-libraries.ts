import { runCommandForBytes } from '@vmm/guest-tools';

/**
 * Extracts the absolute paths of the shared libraries (and the dynamic loader) from `ldd`
 * output: `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)` and
 * `/lib64/ld-linux-x86-64.so.2 (0x...)`. The vDSO and `=> not found` lines name no file and are
 * left out; each path appears once, in order of first appearance.
 */
export function parseLddOutput(output: string): string[] {
  const paths: string[] = [];
  for (const rawLine of output.split('\n')) {
    const line = rawLine.trim();
    const arrow = line.indexOf('=>');
    const target = (arrow === -1 ? line : line.slice(arrow + 2)).trim();
    const path = target.split(/\s+/)[0] ?? '';
    if (path.startsWith('/') && !paths.includes(path)) {
      paths.push(path);
    }
  }
  return paths;
}

/**
 * Lists the shared libraries the ELF files `elfs` load (transitively, as `ldd` resolves them on
 * this host), without duplicates, sorted.
 *
 * @throws `HostSetupError` (@vmm/guest-tools) when `ldd` is missing.
 * @throws `CommandFailedError` (@vmm/guest-tools) when `ldd` fails on one of the files.
 */
export async function sharedLibraries(elfs: readonly string[]): Promise<string[]> {
  const all = new Set<string>();
  for (const elf of elfs) {
    const output = await runCommandForBytes('ldd', [elf]);
    for (const path of parseLddOutput(output.toString('utf8'))) {
      all.add(path);
    }
  }
  return [...all].sort();
}

/**
 * The path `ldconfig -p` gives for the shared library `soname` (`liblz4.so.1`) on this host, or
 * `undefined` when the dynamic linker's cache has none (or `ldconfig` is missing).
 */
export async function findHostLibrary(soname: string): Promise<string | undefined> {
  let output: Buffer;
  try {
    output = await runCommandForBytes('ldconfig', ['-p']);
  } catch {
    return undefined;
  }
  return findInLdconfigCache(output.toString('utf8'), soname);
}

/**
 * The path of `soname` in `ldconfig -p` output (`\tliblz4.so.1 (libc6,x86-64) => /lib/...`),
 * preferring none of another word size: on an x64 `arch` only `x86-64` entries count.
 */
export function findInLdconfigCache(
  output: string,
  soname: string,
  arch: NodeJS.Architecture = process.arch,
): string | undefined {
  for (const line of output.split('\n')) {
    const match = /^\s*(\S+) \(([^)]*)\) => (\/\S+)$/.exec(line);
    if (match?.[1] === soname && (arch !== 'x64' || match[2]!.includes('x86-64'))) {
      return match[3];
    }
  }
  return undefined;
}
