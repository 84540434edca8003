import { parentPort, workerData } from 'node:worker_threads';
import type { MmioDevice, VirtBackend } from '@vmm/core';
import { PLATFORM_BUILDERS } from './platform-builders.js';
import { importExport } from './module-export.js';
import { SharedByteRing } from './shared-byte-ring.js';
import { VcpuControl } from './vcpu-control.js';
import { runVcpu } from './vcpu-loop.js';
import type {
  VcpuWorkerBoot,
  VcpuWorkerMessage,
  VcpuWorkerSpec,
  VcpuWorkerStart,
} from './vcpu-worker-spec.js';
import type { VmOutcome } from './vm-outcome.js';

/**
 * Entry point of a vCPU worker thread: attaches to the VM, creates its vCPU, builds the
 * devices over the shared state, and runs the exit loop until the VM ends. Guest RAM is not
 * mapped here yet: no device on this thread does DMA.
 */
async function main(spec: VcpuWorkerSpec, loading: Promise<VirtBackend>): Promise<VmOutcome> {
  const backend = await loading;
  const virt = backend.attach(spec.virt);
  const vcpu = virt.createVcpu(spec.vcpuId);
  if (spec.boot !== undefined) vcpu.setBootState(spec.boot);
  const control = new VcpuControl(spec.control);
  const console = new SharedByteRing(spec.platform.consoleRing);
  let ended: VmOutcome | undefined;
  const platform = PLATFORM_BUILDERS[spec.platform.arch]({
    uartState: spec.platform.uartState,
    consoleSink: (bytes) => console.write(bytes),
    interrupts: virt.interrupts,
    endVm: (outcome) => {
      ended ??= outcome;
    },
  });
  for (const device of spec.mmioDevices) {
    const factory = await importExport<(options: unknown) => MmioDevice>(device.factory);
    platform.mmio.register(
      device.address,
      device.size,
      factory(device.options),
      device.label ?? device.factory.export,
    );
  }
  post({ type: 'started', vcpuId: spec.vcpuId, kick: vcpu.kickHandle });
  try {
    return runVcpu(vcpu, {
      ...platform,
      pendingOutcome: () => ended ?? (control.stopRequested ? { kind: 'stopped' } : undefined),
    });
  } finally {
    virt.close();
  }
}

function post(message: VcpuWorkerMessage): void {
  parentPort!.postMessage(message);
}

/** The backend is imported now, while the main thread is still building the VM. */
const loading = importExport<VirtBackend>((workerData as VcpuWorkerBoot).backend);
loading.catch(() => undefined);

parentPort!.once('message', ({ spec }: VcpuWorkerStart) => {
  main(spec, loading).then(
    (outcome) => post({ type: 'exited', vcpuId: spec.vcpuId, outcome }),
    (error: unknown) =>
      post({
        type: 'exited',
        vcpuId: spec.vcpuId,
        outcome: {
          kind: 'vmm-error',
          message: error instanceof Error ? error.message : String(error),
        },
      }),
  );
});
