import { describe, expect, it } from 'vitest';
import { KVM_RUN_LAYOUT } from '../src/bindings/kvm-run.js';
import { KvmExitDecoder } from '../src/kvm-exit-decoder.js';

/** A fake `kvm_run` area (three pages, as KVM maps it on x86) and a decoder over it. */
function fakeRun() {
  const buffer = new ArrayBuffer(3 * 4096);
  const view = new DataView(buffer);
  return { buffer, view, decoder: new KvmExitDecoder(buffer) };
}

describe('KvmExitDecoder', () => {
  it('decodes KVM_EXIT_IO with a view of the data page', () => {
    const { buffer, view, decoder } = fakeRun();
    view.setUint32(KVM_RUN_LAYOUT.exitReason, 2, true);
    view.setUint8(KVM_RUN_LAYOUT.io.direction, 1);
    view.setUint8(KVM_RUN_LAYOUT.io.size, 2);
    view.setUint16(KVM_RUN_LAYOUT.io.port, 0x3f8, true);
    view.setUint32(KVM_RUN_LAYOUT.io.count, 3, true);
    view.setBigUint64(KVM_RUN_LAYOUT.io.dataOffset, 4096n, true);
    new Uint8Array(buffer, 4096, 6).set([1, 2, 3, 4, 5, 6]);
    const exit = decoder.decode();
    expect(exit).toMatchObject({ kind: 'io', direction: 'out', port: 0x3f8, size: 2, count: 3 });
    if (exit.kind !== 'io') throw new Error('not an io exit');
    expect([...exit.data]).toEqual([1, 2, 3, 4, 5, 6]);
    exit.data[0] = 0x99;
    expect(new Uint8Array(buffer)[4096]).toBe(0x99);
    const again = decoder.decode();
    expect(again.kind === 'io' && again.data).toBe(exit.data);
    view.setUint8(KVM_RUN_LAYOUT.io.direction, 0);
    expect(decoder.decode()).toMatchObject({ kind: 'io', direction: 'in' });
  });

  it('decodes KVM_EXIT_MMIO with a view of mmio.data of length len', () => {
    const { buffer, view, decoder } = fakeRun();
    view.setUint32(KVM_RUN_LAYOUT.exitReason, 6, true);
    view.setBigUint64(KVM_RUN_LAYOUT.mmio.physAddr, 0xd000_0010n, true);
    view.setUint32(KVM_RUN_LAYOUT.mmio.len, 4, true);
    view.setUint8(KVM_RUN_LAYOUT.mmio.isWrite, 0);
    const exit = decoder.decode();
    expect(exit).toMatchObject({ kind: 'mmio', isWrite: false, address: 0xd000_0010n });
    if (exit.kind !== 'mmio') throw new Error('not an mmio exit');
    exit.data.set([0xef, 0xbe, 0xad, 0xde]);
    expect(view.getUint32(KVM_RUN_LAYOUT.mmio.data, true)).toBe(0xdead_beef);
    expect(new Uint8Array(buffer).length).toBe(3 * 4096);
  });

  it('decodes hlt, shutdown, interrupted and fail-entry', () => {
    const { view, decoder } = fakeRun();
    const decodeReason = (reason: number) => {
      view.setUint32(KVM_RUN_LAYOUT.exitReason, reason, true);
      return decoder.decode();
    };
    expect(decodeReason(5)).toEqual({ kind: 'hlt' });
    expect(decodeReason(8)).toEqual({ kind: 'shutdown' });
    expect(decodeReason(10)).toEqual({ kind: 'interrupted' });
    view.setBigUint64(KVM_RUN_LAYOUT.failEntry.hardwareEntryFailureReason, 0x8000_0021n, true);
    expect(decodeReason(9)).toEqual({ kind: 'fail-entry', hardwareReason: 0x8000_0021n });
  });

  it('maps system events to power-off, reset and crash, and others to unknown', () => {
    const { view, decoder } = fakeRun();
    view.setUint32(KVM_RUN_LAYOUT.exitReason, 24, true);
    const event = (type: number) => {
      view.setUint32(KVM_RUN_LAYOUT.systemEvent.type, type, true);
      return decoder.decode();
    };
    expect(event(1)).toEqual({ kind: 'system-event', event: 'power-off' });
    expect(event(2)).toEqual({ kind: 'system-event', event: 'reset' });
    expect(event(3)).toEqual({ kind: 'system-event', event: 'crash' });
    expect(event(4)).toEqual({
      kind: 'unknown',
      reason: 24,
      name: 'KVM_EXIT_SYSTEM_EVENT (KVM_SYSTEM_EVENT_WAKEUP)',
    });
  });

  it('decodes the instruction bytes KVM reports with an emulation failure', () => {
    const { view, decoder } = fakeRun();
    const { emulationFailure } = KVM_RUN_LAYOUT;
    view.setUint32(KVM_RUN_LAYOUT.exitReason, 17, true);
    view.setUint32(KVM_RUN_LAYOUT.internal.suberror, 1, true);
    view.setUint32(KVM_RUN_LAYOUT.internal.ndata, 4, true);
    view.setBigUint64(emulationFailure.flags, 1n, true);
    view.setUint8(emulationFailure.insnSize, 5);
    // lock cmpxchg16b [rsi], then the 0x90 fill KVM puts after the instruction
    [0xf0, 0x48, 0x0f, 0xc7, 0x0e, 0x90, 0x90].forEach((byte, i) =>
      view.setUint8(emulationFailure.insnBytes + i, byte),
    );
    const exit = decoder.decode();
    expect(exit.kind === 'internal-error' && [...(exit.instructionBytes ?? [])]).toEqual([
      0xf0, 0x48, 0x0f, 0xc7, 0x0e,
    ]);
    view.setBigUint64(emulationFailure.flags, 0n, true);
    expect(decoder.decode()).not.toHaveProperty('instructionBytes');
    view.setBigUint64(emulationFailure.flags, 1n, true);
    view.setUint8(emulationFailure.insnSize, 200);
    const capped = decoder.decode();
    expect(capped.kind === 'internal-error' && capped.instructionBytes?.length).toBe(15);
    view.setUint32(KVM_RUN_LAYOUT.internal.suberror, 2, true);
    expect(decoder.decode()).not.toHaveProperty('instructionBytes');
  });

  it('decodes internal errors with their description and at most 16 data words', () => {
    const { view, decoder } = fakeRun();
    view.setUint32(KVM_RUN_LAYOUT.exitReason, 17, true);
    view.setUint32(KVM_RUN_LAYOUT.internal.suberror, 1, true);
    view.setUint32(KVM_RUN_LAYOUT.internal.ndata, 2, true);
    view.setBigUint64(KVM_RUN_LAYOUT.internal.data, 0xcc0fn, true);
    view.setBigUint64(KVM_RUN_LAYOUT.internal.data + 8, 0x1000n, true);
    expect(decoder.decode()).toEqual({
      kind: 'internal-error',
      suberror: 1,
      description: 'emulation failure',
      data: [0xcc0fn, 0x1000n],
    });
    view.setUint32(KVM_RUN_LAYOUT.internal.suberror, 2, true);
    view.setUint32(KVM_RUN_LAYOUT.internal.ndata, 1000, true);
    view.setBigUint64(KVM_RUN_LAYOUT.internal.data, 1n, true);
    const exit = decoder.decode();
    expect(exit).toMatchObject({ description: 'exception while delivering an exception' });
    expect(exit.kind === 'internal-error' && exit.data.length).toBe(16);
    view.setUint32(KVM_RUN_LAYOUT.internal.suberror, 3, true);
    expect(decoder.decode()).toMatchObject({ description: 'failed to deliver an event' });
    view.setUint32(KVM_RUN_LAYOUT.internal.suberror, 4, true);
    expect(decoder.decode()).toMatchObject({ description: 'unexpected exit reason' });
  });

  it('reports other exits as unknown with their KVM_EXIT_* name', () => {
    const { view, decoder } = fakeRun();
    view.setUint32(KVM_RUN_LAYOUT.exitReason, 29, true);
    expect(decoder.decode()).toEqual({ kind: 'unknown', reason: 29, name: 'KVM_EXIT_X86_RDMSR' });
    view.setUint32(KVM_RUN_LAYOUT.exitReason, 1000, true);
    expect(decoder.decode()).toEqual({ kind: 'unknown', reason: 1000, name: 'KVM_EXIT_1000' });
  });
});
