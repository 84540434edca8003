import { parentPort, workerData } from 'node:worker_threads';
import type { BootState, MmioDevice, Virt, VirtBackend } from '@vmm/core';
import { PLATFORM_BUILDERS } from './platform-builders.js';
import { importExport } from './module-export.js';
import { SharedByteRing } from './shared-byte-ring.js';
import { VcpuControl } from './vcpu-control.js';
import { runVcpu } from './vcpu-loop.js';
import type {
  VcpuWorkerBoot,
  VcpuWorkerCommand,
  VcpuWorkerMessage,
  VcpuWorkerSpec,
} from './vcpu-worker-spec.js';
import type { VmOutcome } from './vm-outcome.js';

/** A vCPU created in this worker, with its devices, ready to run. */
interface AttachedVcpu {
  /** Runs the exit loop until the VM ends (the boot vCPU first loads `boot`), then closes. */
  run(boot: BootState | undefined): VmOutcome;
  /** Releases the vCPU without running it. */
  close(): void;
}

/**
 * Attaches to the VM, creates this worker's vCPU and builds the devices over the shared state.
 * Guest RAM is not mapped here: no device on this thread does DMA.
 */
async function attach(spec: VcpuWorkerSpec, loading: Promise<VirtBackend>): Promise<AttachedVcpu> {
  const backend = await loading;
  const virt = backend.attach(spec.virt);
  try {
    const vcpu = virt.createVcpu(spec.vcpuId);
    const control = new VcpuControl(spec.control);
    const console = new SharedByteRing(spec.platform.consoleRing);
    let ended: VmOutcome | undefined;
    const buffering = portWriteBuffering(virt, spec.vcpuCount, control);
    const platform = PLATFORM_BUILDERS[spec.platform.arch]({
      uartState: spec.platform.uartState,
      boardState: spec.platform.boardState,
      consoleSink: (bytes) => console.write(bytes),
      interrupts: virt.interrupts,
      endVm: (outcome) => {
        ended ??= outcome;
      },
      bufferPortWrites: buffering,
    });
    for (const { port, word } of platform.inlinePortReads ?? []) {
      vcpu.answerPortReads?.(port, word);
    }
    for (const device of spec.mmioDevices) {
      const factory = await importExport<(options: unknown) => MmioDevice>(device.factory);
      platform.mmio.register(
        device.address,
        device.size,
        factory(device.options),
        device.label ?? device.factory.export,
      );
    }
    return {
      run: (boot) => {
        try {
          if (boot !== undefined) vcpu.setBootState(boot);
          post({
            type: 'started',
            vcpuId: spec.vcpuId,
            kick: vcpu.kickHandle,
            buffersWrites: buffering !== undefined,
          });
          return runVcpu(vcpu, {
            ...platform,
            exitHandled: buffering === undefined ? undefined : () => control.countExit(),
            pendingOutcome: () =>
              ended ?? (control.stopRequested ? { kind: 'stopped' } : undefined),
          });
        } finally {
          virt.close();
        }
      },
      close: () => virt.close(),
    };
  } catch (error) {
    virt.close();
    throw error;
  }
}

/**
 * How this thread's devices have the hypervisor buffer their port writes: through the VM when
 * it can, is x86 (ports) and has one vCPU (the buffer is the VM's; one thread must drain it),
 * telling the main thread through `control` while writes are buffered, so that it kicks the
 * vCPU when it goes quiet. `undefined` otherwise: then neither exits are counted nor is the
 * vCPU ever kicked for this.
 */
function portWriteBuffering(
  virt: Virt,
  vcpuCount: number,
  control: VcpuControl,
): ((port: number, size: number, buffered: boolean) => void) | undefined {
  const buffer = virt.bufferPortWrites?.bind(virt);
  if (buffer === undefined || virt.arch !== 'x86_64' || vcpuCount !== 1) return undefined;
  return (port, size, buffered) => {
    control.writesBuffered = buffer(port, size, buffered) && buffered;
  };
}

function post(message: VcpuWorkerMessage): void {
  parentPort!.postMessage(message);
}

function vmmError(error: unknown): VmOutcome {
  return { kind: 'vmm-error', message: error instanceof Error ? error.message : String(error) };
}

/** Runs `vcpu` until the VM ends; a failure of the loop itself is the outcome too. */
function runToEnd(vcpu: AttachedVcpu, boot: BootState | undefined): VmOutcome {
  try {
    return vcpu.run(boot);
  } catch (error) {
    return vmmError(error);
  }
}

/** The backend is imported now, while the main thread is still building the VM. */
const loading = importExport<VirtBackend>((workerData as VcpuWorkerBoot).backend);
loading.catch(() => undefined);

let attaching: Promise<AttachedVcpu> | undefined;
let vcpuId = -1;

/** Follows the main thread's commands; stops listening (so the thread can end) after the last. */
function onCommand(command: VcpuWorkerCommand): void {
  switch (command.type) {
    case 'attach':
      vcpuId = command.spec.vcpuId;
      attaching = attach(command.spec, loading);
      attaching.catch((error: unknown) => {
        parentPort!.off('message', onCommand);
        post({ type: 'exited', vcpuId, outcome: vmmError(error) });
      });
      return;
    case 'run':
      parentPort!.off('message', onCommand);
      attaching!.then(
        (vcpu) => post({ type: 'exited', vcpuId, outcome: runToEnd(vcpu, command.boot) }),
        () => undefined,
      );
      return;
    case 'cancel':
      parentPort!.off('message', onCommand);
      attaching?.then(
        (vcpu) => vcpu.close(),
        () => undefined,
      );
      return;
  }
}

parentPort!.on('message', onCommand);
