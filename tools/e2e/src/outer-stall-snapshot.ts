import { OUTER_MARKERS } from './markers.js';

/** How much each KVM counter of one VM grew between the snapshot script's two rounds. */
export interface VmCounterGrowth {
  /** The VM's debugfs directory name, `<pid>-<fd>`. */
  readonly vm: string;
  /** Counter name to growth over the second between the rounds; only counters in both rounds. */
  readonly growth: Readonly<Record<string, number>>;
}

/**
 * Seconds before a command's deadline at which the outer host takes the stall snapshot; the
 * snapshot itself takes a little over one.
 */
export const STALL_SNAPSHOT_LEAD_SECONDS = 3;

/**
 * The fewest exits in the snapshot's second that count as a guest looping inside KVM: a guest
 * that waits (halted at a prompt, say) exits a few hundred times a second for its timer.
 */
const LOOP_MIN_EXITS = 1000;

/** How many grown counters {@link describeStallSnapshot} names per VM. */
const COUNTERS_SHOWN = 6;

const SNAPSHOT_LINE = new RegExp(
  `^${OUTER_MARKERS.stallSnapshot} ([01]) (\\d+-\\d+) (\\w+) (\\d+)\\r?$`,
  'gm',
);

/**
 * The VMs' counter growth in the `E2E-STALL` lines that `/bin/e2e-stall-snapshot` wrote to the
 * kernel log port (see `renderStallSnapshotScript`), in the order the VMs first appear; `null`
 * when the log holds no complete snapshot (the command ended before its deadline, or the
 * machine has no kernel log port). Lines of the kernel's own between them are ignored.
 */
export function readStallSnapshot(kernelLog: string | null): VmCounterGrowth[] | null {
  if (kernelLog === null) return null;
  const rounds = new Map<string, [Map<string, number>, Map<string, number>]>();
  for (const [, round, vm, counter, value] of kernelLog.matchAll(SNAPSHOT_LINE)) {
    const counters = rounds.get(vm!) ?? [new Map<string, number>(), new Map<string, number>()];
    rounds.set(vm!, counters);
    counters[Number(round)]!.set(counter!, Number(value));
  }
  const complete = [...rounds].filter(([, [first, second]]) => first.size > 0 && second.size > 0);
  if (complete.length === 0) return null;
  return complete.map(([vm, [first, second]]) => {
    const growth: Record<string, number> = {};
    for (const [counter, value] of second) {
      const before = first.get(counter);
      if (before !== undefined) growth[counter] = value - before;
    }
    return { vm, growth };
  });
}

/**
 * The signature of the test bed's known fault in a stall snapshot, or `null`: a VM whose guest
 * exited at least 1,000 times in the second, at least half of the exits emulating an
 * instruction and at least half injecting a page fault into the guest. That is the emulated
 * SVM resuming the inner guest at the outer KVM's own RIP with the outer host's CR3: the guest
 * faults on code that is not its own, forever, and never reaches vmm (docs/BENCHMARKS.md). A
 * vmm that stopped feeding or answering its guest leaves the guest waiting instead, with few
 * exits, and is not matched.
 */
export function innerEmulationLoop(snapshot: readonly VmCounterGrowth[] | null): string | null {
  for (const { vm, growth } of snapshot ?? []) {
    const exits = growth['exits'] ?? 0;
    const emulated = growth['insn_emulation'] ?? 0;
    const injectedFaults = growth['pf_guest'] ?? 0;
    if (exits >= LOOP_MIN_EXITS && 2 * emulated >= exits && 2 * injectedFaults >= exits) {
      return (
        `VM ${vm}: exits +${exits}, insn_emulation +${emulated}, pf_guest +${injectedFaults} ` +
        'in a second'
      );
    }
  }
  return null;
}

/**
 * One line per VM of a stall snapshot for a failed run's hints: the counters that grew in the
 * second, the most grown first, or that none did.
 */
export function describeStallSnapshot(snapshot: readonly VmCounterGrowth[]): string[] {
  return snapshot.map(({ vm, growth }) => {
    const grown = Object.entries(growth)
      .filter(([, by]) => by !== 0)
      .sort(([nameA, a], [nameB, b]) => b - a || nameA.localeCompare(nameB))
      .slice(0, COUNTERS_SHOWN)
      .map(([name, by]) => `${name} +${by}`);
    const said = grown.length === 0 ? 'no counter grew' : grown.join(', ');
    return (
      `KVM counters of VM ${vm} over a second, ${STALL_SNAPSHOT_LEAD_SECONDS} s before the ` +
      `deadline: ${said}`
    );
  });
}
