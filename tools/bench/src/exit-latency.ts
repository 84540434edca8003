/**
 * Exit-latency benchmark: a real-mode guest executes N `out` instructions to an unclaimed port
 * (each one a full exit to the VMM and back), then `hlt`. Our side runs it through the whole
 * machine: `Machine`, a vCPU worker thread, the KVM backend and the port I/O bus. The reference
 * side is the same guest under a C loop of raw ioctls with no device model, compiled with the
 * machine's gcc now. Each side runs at two N and the per-exit cost is the difference in wall
 * time divided by the difference in N, which cancels start-up costs (worker spawn, VM creation).
 *
 * Usage: node dist/exit-latency.js [--exits N] [--rounds R]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FlatBinaryLoader } from '@vmm/bootloader';
import { Machine, describeOutcome } from '@vmm/machine';
import { median } from './median.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..');

/** The guest: mov dx,0x510; mov ecx,N; l: out dx,al; dec ecx; jnz l; hlt */
function guest(exits: number): Uint8Array {
  const code = Uint8Array.of(
    0xba,
    0x10,
    0x05,
    0x66,
    0xb9,
    0,
    0,
    0,
    0,
    0xee,
    0x66,
    0x49,
    0x75,
    0xfb,
    0xf4,
  );
  new DataView(code.buffer).setUint32(5, exits, true);
  return code;
}

async function vmmNanoseconds(exits: number): Promise<number> {
  const started = process.hrtime.bigint();
  const vm = await Machine.create({
    backend: { module: import.meta.resolve('@vmm/kvm'), export: 'kvmBackend' },
    memory: '2M',
    irqchip: false,
    loader: new FlatBinaryLoader({ image: guest(exits), loadAddress: 0x1000n, mode: 'real' }),
  });
  vm.console.resume();
  const outcome = await vm.exited;
  if (outcome.kind !== 'halted') throw new Error(`guest did not halt: ${describeOutcome(outcome)}`);
  return Number(process.hrtime.bigint() - started);
}

function buildReference(): string {
  const binary = join(packageRoot, 'build', 'exit-latency');
  mkdirSync(dirname(binary), { recursive: true });
  execFileSync('gcc', ['-O2', '-o', binary, join(packageRoot, 'c', 'exit-latency.c')]);
  return binary;
}

function referenceNanoseconds(binary: string, exits: number): number {
  return Number(execFileSync(binary, [String(exits)], { encoding: 'utf8' }).trim());
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      exits: { type: 'string', default: '100000' },
      rounds: { type: 'string', default: '5' },
    },
  });
  const small = Number(values.exits);
  const large = 2 * small;
  const rounds = Number(values.rounds);
  const reference = buildReference();
  const samples = {
    vmm: { small: [] as number[], large: [] as number[] },
    c: { small: [] as number[], large: [] as number[] },
  };
  for (let round = 0; round < rounds; round++) {
    samples.c.small.push(referenceNanoseconds(reference, small));
    samples.c.large.push(referenceNanoseconds(reference, large));
    samples.vmm.small.push(await vmmNanoseconds(small));
    samples.vmm.large.push(await vmmNanoseconds(large));
  }
  const perExit = (side: { small: number[]; large: number[] }): number =>
    ((median(side.large) ?? 0) - (median(side.small) ?? 0)) / (large - small) / 1000;
  const c = perExit(samples.c);
  const vmm = perExit(samples.vmm);
  console.log(`exit latency (${small} and ${large} exits, median of ${rounds} rounds)`);
  console.log(`  C, raw ioctls:               ${c.toFixed(2)} us/exit`);
  console.log(`  vmm (worker + KVM + PIO bus): ${vmm.toFixed(2)} us/exit`);
  console.log(`  ratio vmm / C:               ${(vmm / c).toFixed(3)}  (target <= 1.15)`);
}

await main();
