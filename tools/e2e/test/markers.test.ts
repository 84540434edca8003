import { describe, expect, it } from 'vitest';
import {
  commandSpan,
  completeLine,
  diagnoseInnerOutput,
  normalizeConsole,
  parseConsoleTranscript,
  splitPartialControlSequence,
} from '../src/index.js';

const OUTER_HEAD = [
  'E2E-OUTER-INIT',
  'E2E-OUTER-DMESG: [    3.72] kvm: Nested Virtualization enabled',
  'E2E-OUTER-DMESG: [    3.73] SVM: kvm: Nested Paging enabled',
  'E2E-OUTER-READY',
  "vmm --kernel /guest/vmlinuz --cmdline 'console=ttyS0 vmm.test=poweroff'",
  'E2E-VMM-BEGIN',
].join('\r\n');

describe('parseConsoleTranscript', () => {
  it('reads the outer markers, the KVM log lines, the inner output and the exit status', () => {
    const inner = 'VMM-GUEST-INIT-OK\r\r\nuname-m: x86_64\r\r\n\r\r\nvmm: guest powered off\r\n';
    const transcript = parseConsoleTranscript(`${OUTER_HEAD}\r\n${inner}\r\nE2E-VMM-EXIT=0\r\n`);
    expect(transcript).toEqual({
      outerInit: true,
      outerReady: true,
      outerFailure: null,
      outerKvmLog: [
        '[    3.72] kvm: Nested Virtualization enabled',
        '[    3.73] SVM: kvm: Nested Paging enabled',
      ],
      commandStarted: true,
      vmmExitCode: 0,
      innerOutput: 'VMM-GUEST-INIT-OK\nuname-m: x86_64\n\nvmm: guest powered off\n\n',
      innerProgramOutput: 'VMM-GUEST-INIT-OK\nuname-m: x86_64\n\nvmm: guest powered off\n\n',
    });
  });

  it("gives the programs' lines whole where a kernel record interrupted them", () => {
    const inner = 'cpus-2[    6.912345] hrtimer: interrupt took 1234 ns\r\n\r\n/ # ';
    const transcript = parseConsoleTranscript(`${OUTER_HEAD}\r\n${inner}E2E-VMM-EXIT=0\r\n`);
    expect(transcript.innerOutput).not.toMatch(/^cpus-2$/m);
    expect(transcript.innerProgramOutput).toBe('cpus-2\n/ # ');
  });

  it('finds the exit marker after an unfinished last line of vmm', () => {
    const transcript = parseConsoleTranscript(`${OUTER_HEAD}\nhalf a lineE2E-VMM-EXIT=3\n`);
    expect(transcript.vmmExitCode).toBe(3);
    expect(transcript.innerOutput).toBe('half a line');
  });

  it('ignores outer markers printed by the inner guest', () => {
    const inner = 'E2E-OUTER-FAIL=spoofed\nE2E-OUTER-DMESG: spoofed\n';
    const transcript = parseConsoleTranscript(`E2E-OUTER-INIT\nE2E-VMM-BEGIN\n${inner}`);
    expect(transcript.outerFailure).toBeNull();
    expect(transcript.outerKvmLog).toEqual([]);
    expect(transcript.outerReady).toBe(false);
    expect(transcript.vmmExitCode).toBeNull();
    expect(transcript.innerOutput).toBe(inner);
  });

  it('reports an outer failure and an empty inner output when vmm never started', () => {
    const transcript = parseConsoleTranscript(
      'E2E-OUTER-INIT\r\nE2E-OUTER-FAIL=insmod /lib/modules/e2e/kvm.ko failed\r\n',
    );
    expect(transcript.outerFailure).toBe('insmod /lib/modules/e2e/kvm.ko failed');
    expect(transcript.commandStarted).toBe(false);
    expect(transcript.innerOutput).toBe('');
  });

  it('needs the begin marker on a line of its own', () => {
    expect(commandSpan('echo E2E-VMM-BEGIN\n')).toBeNull();
    expect(commandSpan('x\nE2E-VMM-BEGIN\nabcE2E-VMM-EXIT=0')).toEqual({ start: 16, end: 19 });
  });
});

describe('normalizeConsole', () => {
  it('drops every carriage return', () => {
    expect(normalizeConsole('a\r\r\nb\r\n\rc')).toBe('a\nb\nc');
  });

  it('drops terminal control sequences such as the prompt cursor query', () => {
    expect(normalizeConsole('/ # \x1b[6necho hi\r\n\x1b[1;32mok\x1b[0m')).toBe('/ # echo hi\nok');
  });
});

describe('splitPartialControlSequence', () => {
  it('holds back a control sequence cut off at the end of a chunk', () => {
    expect(splitPartialControlSequence('/ # \x1b[6')).toEqual(['/ # ', '\x1b[6']);
    expect(splitPartialControlSequence('/ # \x1b')).toEqual(['/ # ', '\x1b']);
    expect(splitPartialControlSequence('/ # \x1b[6n')).toEqual(['/ # \x1b[6n', '']);
    expect(splitPartialControlSequence('plain')).toEqual(['plain', '']);
  });
});

describe('diagnoseInnerOutput', () => {
  it('explains a power-off that vmm did not act on', () => {
    const inner =
      '[ 12.1] ACPI: PM: Preparing to enter system sleep state S5\n[ 12.2] reboot: Power down\n';
    expect(diagnoseInnerOutput(inner, null)).toEqual([
      'the inner kernel powered off (ACPI S5 or equivalent) ("reboot: Power down"); vmm did not end after it',
    ]);
  });

  it('quotes an inner panic and says nothing when no known line is there', () => {
    const inner = '[ 2.0] Kernel panic - not syncing: VFS: Unable to mount root fs\n';
    expect(diagnoseInnerOutput(inner, 3)).toEqual([
      'the inner kernel panicked ("Kernel panic - not syncing: VFS: Unable to mount root fs")',
    ]);
    expect(diagnoseInnerOutput('VMM-GUEST-INIT-OK\n', null)).toEqual([]);
  });
});

describe('completeLine', () => {
  it('matches a marker line only once its newline has arrived', () => {
    const ready = completeLine('E2E-OUTER-READY');
    expect(ready.test('E2E-OUTER-INIT\nE2E-OUTER-READY')).toBe(false);
    expect(ready.test('E2E-OUTER-INIT\nE2E-OUTER-READY\n')).toBe(true);
    expect(ready.test('E2E-OUTER-READYtimeout -s KILL 73\n')).toBe(false);
  });

  it('keeps the groups of its source', () => {
    const match = completeLine('(E2E-OUTER-READY|E2E-OUTER-FAIL=.*)').exec(
      'E2E-OUTER-FAIL=no /dev/kvm\n',
    );
    expect(match?.[1]).toBe('E2E-OUTER-FAIL=no /dev/kvm');
  });
});
