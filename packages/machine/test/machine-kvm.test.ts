import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FlatBinaryLoader } from '@vmm/bootloader';
import { Machine, MachineConfigError, type MachineConfig, type VmOutcome } from '../dist/index.js';
import { RANDOM_IO_DONE, randomIoGuest } from './fixtures/random-io-guest.js';

const hasKvm = existsSync('/dev/kvm');
if (!hasKvm)
  console.warn('skipping the machine tests on KVM: /dev/kvm is not present on this host');

const backend = { module: import.meta.resolve('@vmm/kvm'), export: 'kvmBackend' };

/** Boots `code` at 0x1000 and collects the console output until the VM ends. */
async function boot(
  code: number[],
  options: Partial<MachineConfig> & { mode?: 'real' | 'long'; input?: string } = {},
): Promise<{ outcome: VmOutcome; output: string; vm: Machine }> {
  const vm = await Machine.create({
    backend,
    memory: '16M',
    irqchip: false,
    loader: new FlatBinaryLoader({
      image: Uint8Array.from(code),
      loadAddress: 0x1000n,
      mode: options.mode ?? 'real',
    }),
    ...options,
  });
  let output = '';
  vm.console.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
  if (options.input !== undefined) vm.console.write(options.input);
  const outcome = await vm.exited;
  return { outcome, output, vm };
}

/** Starts `code` at 0x1000 in real mode, with the in-kernel irqchip, and leaves it running. */
function startRealModeGuest(code: number[]): Promise<Machine> {
  return Machine.create({
    backend,
    memory: '16M',
    loader: new FlatBinaryLoader({
      image: Uint8Array.from(code),
      loadAddress: 0x1000n,
      mode: 'real',
    }),
  });
}

describe.skipIf(!hasKvm)('Machine on KVM with hand-assembled guests', () => {
  it('sends UART output to the console and ends as a reboot on an i8042 reset', async () => {
    const { outcome, output } = await boot([
      ...[0xba, 0xf8, 0x03], //        mov dx, 0x3f8
      ...[0xb0, 0x48, 0xee], //        mov al, 'H'; out dx, al
      ...[0xb0, 0x69, 0xee], //        mov al, 'i'; out dx, al
      ...[0xb0, 0x0a, 0xee], //        mov al, 10;  out dx, al
      ...[0xb0, 0xfe, 0xe6, 0x64], //  mov al, 0xfe; out 0x64, al   (pulse the reset line)
      0xf4, //                         hlt   (never reached)
    ]);
    expect(output).toBe('Hi\n');
    expect(outcome).toEqual({ kind: 'reboot' });
  });

  it('powers off when the guest enters ACPI S5 through the sleep control register', async () => {
    const { outcome } = await boot(
      [
        ...[0xba, 0x00, 0x06], //       mov dx, 0x600  (SLEEP_CONTROL_REG)
        ...[0xb0, 0x34, 0xee], //       mov al, SLP_EN | 5 << 2; out dx, al
        ...[0xeb, 0xfe], //             jmp $          (Linux would poll SLEEP_STATUS_REG)
      ],
      { irqchip: true },
    );
    expect(outcome).toEqual({ kind: 'power-off' });
  });

  it('round-trips port I/O through the bus and makes guest memory writes visible to the host', async () => {
    const { outcome, output, vm } = await boot([
      ...[0xba, 0xff, 0x03], //        mov dx, 0x3ff       (UART scratch register)
      ...[0xb0, 0x5a, 0xee], //        mov al, 0x5a; out dx, al
      ...[0xb0, 0x00, 0xec], //        mov al, 0;    in al, dx
      ...[0xba, 0xf8, 0x03, 0xee], //  mov dx, 0x3f8; out dx, al  (prints 'Z')
      ...[0xa2, 0x00, 0x20], //        mov [0x2000], al
      ...[0xe4, 0x99], //              in al, 0x99        (nobody there: reads 0xff)
      ...[0xa2, 0x01, 0x20], //        mov [0x2001], al
      0xf4, //                         hlt
    ]);
    expect(output).toBe('Z');
    expect(vm.memory.readUint(0x2000n, 2)).toBe(0xff5a);
    expect(outcome).toMatchObject({ kind: 'halted', vcpu: 0 });
  });

  it('runs a 64-bit guest and round-trips MMIO through a custom device', async () => {
    const { outcome, output, vm } = await boot(
      [
        ...[0xbb, 0x00, 0x00, 0x00, 0xd0], //                   mov ebx, 0xd0000000
        ...[0xc7, 0x03, 0x78, 0x56, 0x34, 0x12], //             mov dword [rbx], 0x12345678
        ...[0x8b, 0x03], //                                     mov eax, [rbx]
        ...[0x89, 0x04, 0x25, 0x00, 0x20, 0x00, 0x00], //       mov [0x2000], eax
        ...[0x8b, 0x43, 0x04], //                               mov eax, [rbx + 4]
        ...[0x89, 0x04, 0x25, 0x04, 0x20, 0x00, 0x00], //       mov [0x2004], eax
        ...[0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11], // mov rax, 0x1122334455667788
        ...[0x48, 0x89, 0x04, 0x25, 0x08, 0x20, 0x00, 0x00], // mov [0x2008], rax
        ...[0xbb, 0x00, 0x10, 0x00, 0xe0], //                   mov ebx, 0xe0001000 (no device)
        ...[0x8b, 0x03], //                                     mov eax, [rbx]
        ...[0x89, 0x04, 0x25, 0x10, 0x20, 0x00, 0x00], //       mov [0x2010], eax
        ...[0x66, 0xba, 0xf8, 0x03, 0xb0, 0x4c, 0xee], //       mov dx, 0x3f8; mov al, 'L'; out dx, al
        0xf4, //                                                hlt
      ],
      {
        mode: 'long',
        mmioDevices: [
          {
            address: 0xd000_0000n,
            size: 0x1000n,
            factory: {
              module: import.meta.resolve('./fixtures/latch-device.mjs'),
              export: 'createLatchDevice',
            },
            options: { add: 1 },
          },
        ],
      },
    );
    expect(output).toBe('L');
    expect(vm.memory.readUint(0x2000n, 4)).toBe(0x12345679);
    expect(vm.memory.readUint(0x2004n, 4)).toBe(0x4c415443);
    expect(vm.memory.readU64(0x2008n)).toBe(0x1122334455667788n);
    expect(vm.memory.readUint(0x2010n, 4)).toBe(0xffffffff);
    expect(outcome.kind).toBe('halted');
  });

  it('delivers console input to the guest through the UART receive FIFO', async () => {
    const { outcome, output } = await boot(
      [
        ...[0xba, 0xfd, 0x03], //        wait: mov dx, 0x3fd  (line status)
        0xec, //                                 in al, dx
        ...[0xa8, 0x01], //                      test al, 1   (data ready?)
        ...[0x74, 0xf8], //                      jz wait
        ...[0xba, 0xf8, 0x03, 0xec], //          mov dx, 0x3f8; in al, dx
        ...[0xfe, 0xc0, 0xee], //                inc al; out dx, al
        ...[0x3c, 0x0a], //                      cmp al, 10   (echoed '\t'+1: done)
        ...[0x75, 0xed], //                      jne wait
        0xf4, //                                 hlt
      ],
      { input: 'HAL\t' },
    );
    expect(output).toBe('IBM\n');
    expect(outcome.kind).toBe('halted');
  });

  it('delivers a console byte no exit follows while the guest spins', async () => {
    const vm = await startRealModeGuest([
      ...[0xba, 0xf8, 0x03], //   mov dx, 0x3f8
      ...[0xb0, 0x21, 0xee], //   mov al, '!'; out dx, al   (buffered where KVM can)
      ...[0xeb, 0xfe], //         jmp $
    ]);
    const output = await new Promise<string>((resolve) =>
      vm.console.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))),
    );
    expect(output).toBe('!');
    expect(await vm.close()).toEqual({ kind: 'stopped' });
  });

  it('holds back a guest that floods an unread console, loses none of it, and still stops', async () => {
    const vm = await startRealModeGuest([
      ...[0xba, 0xf8, 0x03], //   mov dx, 0x3f8
      ...[0x31, 0xc0], //         xor ax, ax
      0xee, //                    next: out dx, al
      ...[0xfe, 0xc0], //         inc al
      ...[0xeb, 0xfb], //         jmp next
    ]);
    await delay(1000);
    const pending = vm.console.readableLength;
    expect(pending).toBeGreaterThan(0);
    expect(pending).toBeLessThanOrEqual(vm.console.readableHighWaterMark + 64 * 1024);
    const chunks: Buffer[] = [];
    vm.console.on('data', (chunk: Buffer) => chunks.push(chunk));
    expect(await vm.close()).toEqual({ kind: 'stopped' });
    if (!vm.console.readableEnded) await once(vm.console, 'end');
    const output = Buffer.concat(chunks);
    expect(output.length).toBeGreaterThanOrEqual(pending);
    expect(output.every((byte, index) => byte === (index & 0xff))).toBe(true);
  });

  it('reports a triple fault as its own outcome', async () => {
    const code = new Array<number>(0x110).fill(0);
    code.splice(0, 10, ...[0x0f, 0x01, 0x1c, 0x25, 0x00, 0x11, 0x00, 0x00], ...[0x0f, 0x0b]); // lidt [0x1100] (limit 0); ud2
    const { outcome } = await boot(code, { mode: 'long' });
    expect(outcome).toMatchObject({ kind: 'triple-fault', vcpu: 0 });
  });

  it.each([1n, 0x5eed_cafe_f00dn])(
    'survives a guest that makes 20,000 random port and MMIO accesses of every kind (seed %s)',
    async (seed) => {
      const accesses = 20_000;
      const { outcome, vm } = await boot(randomIoGuest(seed, accesses), {
        mode: 'long',
        irqchip: true,
      });
      expect(outcome).toEqual({ kind: 'power-off' });
      expect(vm.memory.readU64(RANDOM_IO_DONE)).toBe(BigInt(accesses));
    },
  );

  it('stops a spinning guest, and every vCPU of an SMP guest, from the host', async () => {
    const vm = await Machine.create({
      backend,
      memory: '16M',
      cpus: 2,
      loader: new FlatBinaryLoader({
        image: Uint8Array.of(0xeb, 0xfe),
        loadAddress: 0x1000n,
        mode: 'real',
      }),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await vm.stop()).toEqual({ kind: 'stopped' });
  });

  it('ends the whole SMP VM when one vCPU ends it, waking the others', async () => {
    const { outcome } = await boot([0xb0, 0xfe, 0xe6, 0x64, 0xeb, 0xfe], {
      cpus: 3,
      irqchip: true,
    });
    expect(outcome).toEqual({ kind: 'reboot' });
  });

  it('maps large RAM as several slots around the MMIO gap', async () => {
    const { outcome, vm } = await boot(
      [
        ...[0xbb, 0xf0, 0xff, 0xff, 0xbf], //             mov ebx, 0xbffffff0 (top of low RAM)
        ...[0xc7, 0x03, 0x0d, 0xf0, 0xfe, 0xca], //       mov dword [rbx], 0xcafef00d
        0xf4, //                                          hlt
      ],
      { mode: 'long', memory: '9G' },
    );
    expect(outcome.kind).toBe('halted');
    expect(vm.memory.size).toBe(9 * 2 ** 30);
    expect(vm.memory.regions.map((region) => region.guestAddress)).toEqual([
      0n,
      0x1_0000_0000n,
      0x2_0000_0000n,
    ]);
    expect(vm.memory.readUint(0xbfff_fff0n, 4)).toBe(0xcafef00d);
    await vm.close();
  });

  it('refuses MMIO devices on top of RAM or the interrupt controllers', async () => {
    const device = (address: bigint) => ({
      address,
      size: 0x1000n,
      factory: { module: 'unused', export: 'unused' },
      label: 'mine',
    });
    const loader = new FlatBinaryLoader({
      image: Uint8Array.of(0xf4),
      loadAddress: 0x1000n,
      mode: 'real',
    });
    await expect(
      Machine.create({ backend, memory: '16M', loader, mmioDevices: [device(0x10_0000n)] }),
    ).rejects.toThrow(/mine at 0x100000 .*overlaps guest RAM/);
    await expect(
      Machine.create({ backend, memory: '16M', loader, mmioDevices: [device(0xfec0_0000n)] }),
    ).rejects.toThrow(MachineConfigError);
  });

  it('reports a guest that cannot be loaded, after the vCPU threads attached, and ends them', async () => {
    const loader = {
      load: () => {
        throw new MachineConfigError('this guest cannot be loaded');
      },
    };
    const started = performance.now();
    await expect(
      Machine.create({ backend, memory: '16M', cpus: 2, irqchip: true, loader }),
    ).rejects.toThrow('this guest cannot be loaded');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
