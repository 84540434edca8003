import { describe, expect, it } from 'vitest';
import { coalescedRingCapacity } from '../src/bindings/kvm-coalesced-mmio.js';
import { CoalescedPioRing } from '../src/coalesced-pio-ring.js';

const PAGE = 4096;

/** A ring page as KVM leaves it: `entries` appended from slot `first`. */
function ringPage(
  first: number,
  entries: { port: number; data: number[]; pio?: number }[],
): ArrayBuffer {
  const page = new ArrayBuffer(PAGE);
  const view = new DataView(page);
  const capacity = coalescedRingCapacity(PAGE);
  let slot = first;
  for (const entry of entries) {
    const at = 8 + slot * 24;
    view.setBigUint64(at, BigInt(entry.port), true);
    view.setUint32(at + 8, entry.data.length, true);
    view.setUint32(at + 12, entry.pio ?? 1, true);
    new Uint8Array(page, at + 16, 8).set(entry.data);
    slot = (slot + 1) % capacity;
  }
  view.setUint32(0, first, true);
  view.setUint32(4, slot, true);
  return page;
}

describe('CoalescedPioRing', () => {
  it('holds 170 entries in a 4 KiB page, as KVM_COALESCED_MMIO_MAX says', () => {
    expect(coalescedRingCapacity(PAGE)).toBe(170);
  });

  it('hands out a run of buffered writes to one port as one out exit and consumes it', () => {
    const page = ringPage(0, [
      { port: 0x3f8, data: [0x41] },
      { port: 0x3f8, data: [0x42] },
    ]);
    const ring = new CoalescedPioRing(page);
    expect(ring.pending).toBe(true);
    const run = ring.next()!;
    expect(run).toMatchObject({ kind: 'io', direction: 'out', port: 0x3f8, size: 1, count: 2 });
    expect([...run.data]).toEqual([0x41, 0x42]);
    expect(ring.pending).toBe(false);
    expect(ring.next()).toBeUndefined();
    expect(new DataView(page).getUint32(0, true)).toBe(2);
  });

  it('ends a run where the port or the size changes, keeping the order', () => {
    const ring = new CoalescedPioRing(
      ringPage(0, [
        { port: 0x3f8, data: [0x61] },
        { port: 0x3f8, data: [0x62] },
        { port: 0x80, data: [0x01] },
        { port: 0x3f8, data: [0x63] },
        { port: 0x3f8, data: [0x64, 0x00] },
        { port: 0x3f8, data: [0x65, 0x00] },
      ]),
    );
    const runs: string[] = [];
    for (let exit = ring.next(); exit !== undefined; exit = ring.next()) {
      runs.push(`${exit.port.toString(16)}/${exit.size}x${exit.count}:${[...exit.data].join(',')}`);
    }
    expect(runs).toEqual(['3f8/1x2:97,98', '80/1x1:1', '3f8/1x1:99', '3f8/2x2:100,0,101,0']);
  });

  it('takes a full ring of writes as one run', () => {
    const capacity = coalescedRingCapacity(PAGE);
    const bytes = Array.from({ length: capacity - 1 }, (_, index) => index & 0xff);
    const ring = new CoalescedPioRing(
      ringPage(
        5,
        bytes.map((byte) => ({ port: 0x3f8, data: [byte] })),
      ),
    );
    const run = ring.next()!;
    expect(run.count).toBe(capacity - 1);
    expect([...run.data]).toEqual(bytes);
    expect(ring.next()).toBeUndefined();
  });

  it('wraps around the end of the ring', () => {
    const ring = new CoalescedPioRing(
      ringPage(169, [
        { port: 0x80, data: [1, 2] },
        { port: 0x81, data: [3, 4, 5, 6] },
      ]),
    );
    expect(ring.next()).toMatchObject({ port: 0x80, size: 2 });
    const second = ring.next()!;
    expect(second).toMatchObject({ port: 0x81, size: 4 });
    expect([...second.data]).toEqual([3, 4, 5, 6]);
    expect(ring.pending).toBe(false);
  });

  it('skips entries that are not port writes of 1, 2 or 4 bytes', () => {
    const ring = new CoalescedPioRing(
      ringPage(0, [
        { port: 0xd000_0000, data: [1], pio: 0 },
        { port: 0x3f8, data: [1, 2, 3] },
        { port: 0x3f8, data: [0x43] },
      ]),
    );
    expect([...ring.next()!.data]).toEqual([0x43]);
    expect(ring.next()).toBeUndefined();
  });
});
