import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeFor, HELP } from '../src/index.js';

describe('exit codes', () => {
  it('gives every outcome its documented code', () => {
    expect(exitCodeFor({ kind: 'power-off' })).toBe(0);
    expect(exitCodeFor({ kind: 'reboot' })).toBe(EXIT_CODES.reboot);
    expect(exitCodeFor({ kind: 'triple-fault', vcpu: 0, registers: '' })).toBe(
      EXIT_CODES.guestCrash,
    );
    expect(
      exitCodeFor({
        kind: 'internal-error',
        vcpu: 0,
        suberror: 1,
        description: '',
        data: [],
        registers: '',
      }),
    ).toBe(EXIT_CODES.hypervisorError);
    expect(exitCodeFor({ kind: 'stopped' })).toBe(130);
    expect(exitCodeFor({ kind: 'vmm-error', message: 'x' })).toBe(1);
  });

  it('lists every code in --help', () => {
    for (const code of Object.values(EXIT_CODES))
      expect(HELP).toMatch(new RegExp(`^  ${code} `, 'm'));
  });
});
