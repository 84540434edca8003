/**
 * The vCPU worker thread of @vmm/machine, bundled beside the machine that spawns it, with the
 * backends provided first: the machine's worker imports its backend as soon as it loads.
 */
import './bundled-backends.js';
import '@vmm/machine/vcpu-worker';
