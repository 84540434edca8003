/** Formats a byte count for an error message: exact bytes below 1 MiB, MiB with one decimal above. */
export function formatSize(bytes: number | bigint): string {
  const value = Number(bytes);
  if (value < 0x10_0000) return `${value} bytes`;
  return `${(value / 0x10_0000).toFixed(1)} MiB`;
}
