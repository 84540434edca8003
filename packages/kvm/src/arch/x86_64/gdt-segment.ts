import type { KvmSegment } from '../../bindings/x86_64/kvm-sregs.js';

/**
 * The `kvm_segment` a CPU holds after loading `selector` whose GDT entry is `descriptor`
 * (Intel SDM vol. 3A, 3.4.5): base and limit reassembled, the limit scaled to bytes when the
 * granularity bit is set, the access and flag bits split out.
 */
export function segmentFromDescriptor(descriptor: bigint, selector: number): KvmSegment {
  const field = (shift: bigint, bits: bigint): number =>
    Number((descriptor >> shift) & ((1n << bits) - 1n));
  const base = ((descriptor >> 16n) & 0xff_ffffn) | (((descriptor >> 56n) & 0xffn) << 24n);
  const rawLimit = field(0n, 16n) | (field(48n, 4n) << 16);
  const g = field(55n, 1n);
  const present = field(47n, 1n);
  return {
    base,
    limit: g === 1 ? (rawLimit * 0x1000 + 0xfff) >>> 0 : rawLimit,
    selector,
    type: field(40n, 4n),
    s: field(44n, 1n),
    dpl: field(45n, 2n),
    present,
    avl: field(52n, 1n),
    l: field(53n, 1n),
    db: field(54n, 1n),
    g,
    unusable: present === 1 ? 0 : 1,
  };
}
