import { GUEST_INIT_MARKER } from '@vmm/guest-tools';
import { UnknownNameError } from './errors.js';
import type { Scenario, ScenarioStep } from './scenario.js';

/** The inner guest's /init marker, as an expect step. */
const INNER_INIT_MARKER: ScenarioStep = {
  kind: 'expect',
  what: `the inner /init marker ${GUEST_INIT_MARKER}`,
  pattern: GUEST_INIT_MARKER,
};

/** The inner guest's report lines (its stock /init prints them first), as expect steps. */
const INNER_REPORT: readonly ScenarioStep[] = [
  INNER_INIT_MARKER,
  {
    kind: 'expect',
    what: 'uname -r of the inner guest',
    pattern: '^uname-r: {kernelRelease}$',
    flags: 'm',
  },
  {
    kind: 'expect',
    what: 'uname -m of the inner guest',
    pattern: '^uname-m: {unameMachine}$',
    flags: 'm',
  },
  { kind: 'expect', what: 'the inner MemTotal line', pattern: '^MemTotal: +\\d+ kB$', flags: 'm' },
];

/** The inner shell's prompt, as an expect step. */
const INNER_PROMPT: ScenarioStep = {
  kind: 'expect',
  what: 'the inner shell prompt',
  pattern: '[#$] $',
};

/** A typed command printing a random token (not its echo) and the step that waits for it. */
const TYPED_TOKEN: readonly ScenarioStep[] = [
  { kind: 'send', text: `echo 'e2e-'"{token}"\n` },
  {
    kind: 'expect',
    what: 'the typed command printing the token',
    pattern: '^e2e-{token}$',
    flags: 'm',
  },
];

/** Guest RAM of the inner guest in every boot scenario. */
const INNER_MEMORY = '256M';

/**
 * Every scenario, by name. They are arch-neutral: arch-specific values come from the profile
 * (`innerKernelArgs`) and the `{placeholders}`.
 */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'vmm-help': {
    name: 'vmm-help',
    description:
      'the deployed vmm CLI runs in the outer host (node, libraries, koffi): `vmm --help`',
    command: { kind: 'args', args: ['--help'] },
    steps: [
      { kind: 'expect', what: 'the vmm usage text', pattern: '^Usage: vmm --kernel', flags: 'm' },
    ],
    expectedExitCode: 0,
    watchdogMs: 60_000,
  },
  'boot-poweroff': {
    name: 'boot-poweroff',
    description: 'vmm boots the inner Linux to its /init, which reports and powers off (exit 0)',
    command: { kind: 'boot', memory: INNER_MEMORY, cpus: 1, kernelArgs: ['vmm.test=poweroff'] },
    steps: [
      ...INNER_REPORT,
      {
        kind: 'expect',
        what: 'the inner /init powering off',
        pattern: 'vmm\\.test=poweroff, powering off',
      },
    ],
    expectedExitCode: 0,
    watchdogMs: 90_000,
  },
  interactive: {
    name: 'interactive',
    description:
      'keystrokes reach the inner shell through QEMU, the outer tty and vmm: a typed command runs and prints a random token',
    command: { kind: 'boot', memory: INNER_MEMORY, cpus: 1, kernelArgs: [] },
    steps: [
      INNER_INIT_MARKER,
      {
        kind: 'expect',
        what: 'the inner shell starting',
        pattern: 'starting a shell on the console',
      },
      INNER_PROMPT,
      ...TYPED_TOKEN,
      { kind: 'expect', what: 'the inner shell prompt again', pattern: '[#$] $' },
      { kind: 'send', text: 'poweroff -f\n' },
    ],
    expectedExitCode: 0,
    watchdogMs: 90_000,
  },
  'smp-interactive': {
    name: 'smp-interactive',
    description:
      'the inner Linux on 2 vCPUs: both come online, and a typed command prints 2,000 lines through the interrupt-driven console',
    command: { kind: 'boot', memory: INNER_MEMORY, cpus: 2, kernelArgs: [] },
    steps: [
      INNER_INIT_MARKER,
      INNER_PROMPT,
      { kind: 'send', text: `echo "cpus-$(grep -c ^processor /proc/cpuinfo)"\n` },
      { kind: 'expect', what: 'two processors online', pattern: '^cpus-2$', flags: 'm' },
      { kind: 'send', text: 'seq 1 2000\n' },
      { kind: 'expect', what: 'the last of 2,000 lines', pattern: '^2000$', flags: 'm' },
      ...TYPED_TOKEN,
      { kind: 'send', text: 'poweroff -f\n' },
    ],
    expectedExitCode: 0,
    watchdogMs: 90_000,
  },
  reboot: {
    name: 'reboot',
    description:
      'the inner /init reboots; vmm reports it with exit 3 (x86_64: the kernel decompresses itself, `--kernel-decompression guest`)',
    command: {
      kind: 'boot',
      memory: INNER_MEMORY,
      cpus: 1,
      kernelArgs: ['vmm.test=reboot'],
      vmmArgs: ['--kernel-decompression', 'guest'],
    },
    steps: [
      INNER_INIT_MARKER,
      {
        kind: 'expect',
        what: 'the inner /init rebooting',
        pattern: 'vmm\\.test=reboot, rebooting',
      },
    ],
    expectedExitCode: 3,
    watchdogMs: 90_000,
  },
};

/**
 * Returns the scenario called `name`.
 *
 * @throws {@link UnknownNameError} when there is none.
 */
export function findScenario(name: string): Scenario {
  const scenario = SCENARIOS[name];
  if (scenario === undefined) {
    throw new UnknownNameError('scenario', name, Object.keys(SCENARIOS));
  }
  return scenario;
}
