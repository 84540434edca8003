/** The hypervisors `--accel` accepts. */
export const ACCELERATORS = ['kvm', 'hvp'] as const;

/** A hypervisor name `--accel` accepts. */
export type Accelerator = (typeof ACCELERATORS)[number];

/** Whether `name` is a hypervisor `--accel` accepts. */
export function isAccelerator(name: string): name is Accelerator {
  return (ACCELERATORS as readonly string[]).includes(name);
}

/** `vmm`'s options, in the form `node:util`'s `parseArgs` takes. */
export const CLI_OPTION_SPEC = {
  kernel: { type: 'string' },
  initramfs: { type: 'string' },
  cmdline: { type: 'string' },
  memory: { type: 'string' },
  cpus: { type: 'string' },
  accel: { type: 'string' },
  device: { type: 'string', multiple: true },
  'hide-cpu-feature': { type: 'string', multiple: true },
  'kernel-decompression': { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;
