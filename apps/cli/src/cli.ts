#!/usr/bin/env node
/**
 * The `vmm` command. When the command line boots a VM, the boot vCPU's worker thread is spawned
 * before the rest of vmm is evaluated, so that its start-up (a second Node.js environment)
 * overlaps the main thread's; `main` then parses the command line in full and runs it.
 */
import { VcpuThreadWarmup } from '@vmm/machine/warmup';
import { earlyBackend } from './early-backend.js';

const args = process.argv.slice(2);
const backend = earlyBackend(args);
const warmup = backend === undefined ? undefined : VcpuThreadWarmup.start(backend);
void import('./main.js').then(({ main }) => main(args, warmup));
