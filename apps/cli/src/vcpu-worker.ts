/** The vCPU worker thread of @vmm/machine, bundled beside the chunk of the machine that spawns it. */
import '@vmm/machine/vcpu-worker';
