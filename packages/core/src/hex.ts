/** Formats an address or register value as `0x`-prefixed lower-case hex. */
export function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}
