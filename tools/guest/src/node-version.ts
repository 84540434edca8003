/** The Node.js release lines vmm supports (and {@link pickNodeVersion} chooses from). */
export const SUPPORTED_NODE_MAJORS: readonly number[] = [20, 22];

/**
 * Picks the Node.js version to fetch from the published `versions` (plain `x.y.z` strings;
 * others are ignored): the newest of the release line of `hostVersion` (this Node's, by
 * default) when that line is supported, else the newest of the newest supported line that has
 * any. Returns `null` when no version of a supported line is published.
 */
export function pickNodeVersion(
  versions: readonly string[],
  hostVersion: string = process.versions.node,
): string | null {
  const parsed = versions
    .map((text) => ({ text, parts: /^(\d+)\.(\d+)\.(\d+)$/.exec(text)?.slice(1).map(Number) }))
    .filter((entry): entry is { text: string; parts: number[] } => entry.parts !== undefined);
  const hostMajor = Number.parseInt(hostVersion.replace(/^v/, ''), 10);
  const lines = [...SUPPORTED_NODE_MAJORS].sort((a, b) => b - a);
  const preferred = lines.includes(hostMajor) ? [hostMajor, ...lines] : lines;
  for (const major of preferred) {
    const newest = parsed
      .filter((entry) => entry.parts[0] === major)
      .sort((a, b) => compareParts(b.parts, a.parts))[0];
    if (newest !== undefined) {
      return newest.text;
    }
  }
  return null;
}

function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}
