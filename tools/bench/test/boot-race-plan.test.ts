import { describe, expect, it } from 'vitest';
import {
  decodeBootRacePlan,
  encodeBootRacePlan,
  type BootRacePlan,
} from '../src/boot-race-plan.js';

const PLAN: BootRacePlan = {
  runs: 5,
  marker: 'VMM-GUEST-INIT-OK',
  milestones: ['Linux version'],
  markerTimeoutMs: 180_000,
  exitTimeoutMs: 60_000,
  settleMs: 1000,
  candidates: [
    { name: 'vmm', argv: ['/usr/bin/node', '--cmdline', "console=ttyS0 it's"] },
    { name: 'qemu', argv: ['/usr/bin/qemu-system-x86_64'] },
  ],
};

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('boot race plans', () => {
  it('survive encoding as one shell-safe word', () => {
    const word = encodeBootRacePlan(PLAN);
    expect(word).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeBootRacePlan(word)).toEqual({ ok: true, plan: PLAN });
  });

  it.each([
    ['not base64 JSON', '!!!', /not base64url-encoded JSON/],
    ['not an object', encode(5), /not a JSON object/],
    ['zero runs', encode({ ...PLAN, runs: 0 }), /runs is not a positive whole number/],
    ['a negative pause', encode({ ...PLAN, settleMs: -1 }), /settleMs/],
    ['a traceKvm that is no boolean', encode({ ...PLAN, traceKvm: 'yes' }), /traceKvm/],
    ['an empty marker', encode({ ...PLAN, marker: '' }), /marker/],
    ['an empty milestone', encode({ ...PLAN, milestones: [''] }), /milestones/],
    ['one candidate', encode({ ...PLAN, candidates: [PLAN.candidates[0]] }), /two candidates/],
    [
      'an empty argv',
      encode({ ...PLAN, candidates: [PLAN.candidates[0], { name: 'qemu', argv: [] }] }),
      /two candidates/,
    ],
    [
      'repeated names',
      encode({ ...PLAN, candidates: [PLAN.candidates[0], PLAN.candidates[0]] }),
      /names repeat: vmm, vmm/,
    ],
  ])('are refused with a reason when they have %s', (_what, word, problem) => {
    const decoded = decodeBootRacePlan(word);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.problem).toMatch(problem);
  });
});
