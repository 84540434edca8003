import { VmmError, hex, type BootState, type Vcpu, type VmExit } from '@vmm/core';
import { BOOT_CPSR, CPSR_MODE_EL1H, SCTLR_MMU_AND_CACHES } from './aarch64/boot-registers.js';
import {
  decodeDataAbort,
  loadedRegisterValue,
  storeRegisterBytes,
  type DataAbort,
} from './aarch64/data-abort.js';
import {
  ExceptionClass,
  describeExceptionClass,
  exceptionClass,
  isWaitForEvent,
} from './aarch64/exception-syndrome.js';
import { mpidrOfVcpu } from './aarch64/mpidr.js';
import { decodeSysRegAccess } from './aarch64/sysreg-trap.js';
import { millisecondsUntilTimer, timerInterruptAsserted } from './aarch64/virtual-timer.js';
import {
  HvExitReason,
  HvGicIntid,
  HvGicRedistributorReg,
  HvInterruptType,
  HvReturn,
  hvExitReasonName,
} from './bindings/hv-constants.js';
import { HvReg, HvSysReg, hvRegX } from './bindings/hv-reg.js';
import { HvVcpuExitView } from './bindings/hv-vcpu-exit.js';
import type { HvApi, MachTimebase } from './hv-api.js';
import { HvError } from './hv-error.js';
import type { HvpKickHandle } from './hvp-handle.js';
import { HvpInternalError } from './hvp-internal-error.js';
import { handlePsci } from './psci-handler.js';
import { PowerState, type SharedVmState } from './shared-vm-state.js';

const INTERRUPTED: VmExit = Object.freeze({ kind: 'interrupted' });
const POWER_OFF: VmExit = Object.freeze({ kind: 'system-event', event: 'power-off' });
const RESET: VmExit = Object.freeze({ kind: 'system-event', event: 'reset' });

/**
 * Longest WFI sleep when the VM has a GIC and more than one vCPU: an SGI (IPI) one vCPU sends
 * another goes through the framework's GIC, which cannot wake a vCPU sleeping here in
 * userspace, so an idle vCPU looks again at least this often.
 */
export const IDLE_POLL_MS = 1;

/** Instruction size: every AArch64 instruction the backend steps over is 4 bytes. */
const INSTRUCTION_BYTES = 4n;

/** A load or store the guest made to MMIO, finished on the next {@link HvpVcpu.run}. */
interface MmioCompletion {
  /** The decoded access. */
  readonly access: DataAbort;
  /** The bytes the machine filled (loads) or consumed (stores). */
  readonly data: Uint8Array;
}

/**
 * One Hypervisor.framework vCPU, implementing {@link Vcpu}. The framework binds a vCPU to the
 * thread that created it: every call here must come from that thread, except that other
 * threads interrupt it through `HvpVirt.kick` (`hv_vcpus_exit`). `run()` handles PSCI, system
 * register traps, WFI and the virtual timer itself and returns only what the machine must see:
 * MMIO, power-off/reset, interruptions and errors. Created by `HvpVirt.createVcpu`.
 */
export class HvpVcpu implements Vcpu {
  readonly #api: HvApi;
  readonly #state: SharedVmState;
  readonly #exit: HvVcpuExitView;
  readonly #mmioData = new Uint8Array(8);
  readonly #mmioViews: Readonly<Record<1 | 2 | 4 | 8, Uint8Array>>;
  #completion: MmioCompletion | undefined;
  #vtimerAsserted = false;
  #wakeSeen = 0;
  #timebase: MachTimebase | undefined;
  #closed = false;

  /** What another thread passes to `HvpVirt.kick` to interrupt this vCPU. */
  readonly kickHandle: HvpKickHandle;

  /**
   * Wraps vCPU `id` of the VM whose shared state is `state`, just created on this thread as
   * `hvVcpu` with its exit record `exit`, and gives it its MPIDR_EL1 affinity (the GIC routes
   * by it). The vCPU starts powered off: `setBootState` or a PSCI CPU_ON starts it.
   */
  constructor(
    /** vCPU index, 0 for the boot processor; also its MPIDR_EL1 affinity. */
    readonly id: number,
    /** The framework's `hv_vcpu_t`. */
    readonly hvVcpu: bigint,
    exit: Uint8Array,
    api: HvApi,
    state: SharedVmState,
  ) {
    this.#api = api;
    this.#state = state;
    this.#exit = new HvVcpuExitView(exit);
    this.#mmioViews = {
      1: this.#mmioData.subarray(0, 1),
      2: this.#mmioData.subarray(0, 2),
      4: this.#mmioData.subarray(0, 4),
      8: this.#mmioData,
    };
    this.kickHandle = { backend: 'hvp', vcpu: id, hvVcpu };
    this.setSysReg(HvSysReg.MPIDR_EL1, mpidrOfVcpu(id));
  }

  /**
   * Starts the boot vCPU as the arm64 Linux boot protocol wants: PC = `entry`, X0 = the device
   * tree, X1..X3 = 0, CPSR = EL1h with DAIF masked (0x3c5), MMU and caches off.
   */
  setBootState(state: BootState): void {
    if (state.mode !== 'aarch64') {
      throw new VmmError(
        `vCPU ${this.id} is an aarch64 Hypervisor.framework vCPU and cannot start in ${state.mode} mode`,
      );
    }
    this.#enterAt(state.entry, state.deviceTree);
    this.#state.setPower(this.id, PowerState.ON);
  }

  /**
   * Runs the guest until something the machine must handle: an MMIO access (for loads, fill
   * `data` before the next `run`, which writes it to the target register and steps over the
   * instruction), a power-off or reset, an `interrupted` exit after a kick, or an error. A vCPU
   * that is powered off waits here for a PSCI CPU_ON (or a kick).
   */
  run(): VmExit {
    this.#checkOpen('hv_vcpu_run');
    this.#completeMmio();
    for (;;) {
      if (this.#state.takeKick(this.id)) return INTERRUPTED;
      if (this.#state.power(this.id) !== PowerState.ON) {
        if (!this.#awaitCpuOn()) return INTERRUPTED;
        continue;
      }
      this.#syncVtimer();
      this.#wakeSeen = this.#state.wakeCount(this.id);
      this.#check('hv_vcpu_run', this.#api.vcpuRun(this.hvVcpu));
      const exit = this.#handleExit();
      if (exit !== undefined) return exit;
    }
  }

  /** `hv_vcpu_get_reg`: a general register, PC, FPCR, FPSR or CPSR (`HvReg`). */
  getReg(reg: number): bigint {
    const result = this.#api.vcpuGetReg(this.hvVcpu, reg);
    this.#check('hv_vcpu_get_reg', result.status, `register ${reg}`);
    return result.value;
  }

  /** `hv_vcpu_set_reg`. */
  setReg(reg: number, value: bigint): void {
    this.#check(
      'hv_vcpu_set_reg',
      this.#api.vcpuSetReg(this.hvVcpu, reg, value),
      `register ${reg}`,
    );
  }

  /** `hv_vcpu_get_sys_reg`: a system register (`HvSysReg`). */
  getSysReg(reg: number): bigint {
    const result = this.#api.vcpuGetSysReg(this.hvVcpu, reg);
    this.#check('hv_vcpu_get_sys_reg', result.status, `system register ${hex(reg)}`);
    return result.value;
  }

  /** `hv_vcpu_set_sys_reg`. */
  setSysReg(reg: number, value: bigint): void {
    this.#check(
      'hv_vcpu_set_sys_reg',
      this.#api.vcpuSetSysReg(this.hvVcpu, reg, value),
      `system register ${hex(reg)}`,
    );
  }

  /**
   * The main registers in one line for error reports: `pc=… sp=… cpsr=… esr=… far=…`, where
   * sp is the one the current mode uses and esr/far are ESR_EL2/FAR_EL2 of the last exit.
   * Never throws: if the registers cannot be read, the line says why.
   */
  describeRegisters(): string {
    try {
      const cpsr = this.getReg(HvReg.CPSR);
      const sp = this.getSysReg(
        (cpsr & 0xfn) === CPSR_MODE_EL1H ? HvSysReg.SP_EL1 : HvSysReg.SP_EL0,
      );
      return [
        `pc=${hex(this.getReg(HvReg.PC))}`,
        `sp=${hex(sp)}`,
        `cpsr=${hex(cpsr)}`,
        `esr=${hex(this.#exit.syndrome)}`,
        `far=${hex(this.#exit.virtualAddress)}`,
      ].join(' ');
    } catch (error) {
      return `registers unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** `hv_vcpu_destroy` (on the owning thread). Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#api.vcpuDestroy(this.hvVcpu);
  }

  #handleExit(): VmExit | undefined {
    const reason = this.#exit.reason;
    switch (reason) {
      case HvExitReason.EXCEPTION:
        return this.#handleException(this.#exit.syndrome);
      case HvExitReason.CANCELED:
        this.#state.takeKick(this.id);
        return INTERRUPTED;
      case HvExitReason.VTIMER_ACTIVATED:
        this.#vtimerActivated();
        return undefined;
      default:
        return { kind: 'unknown', reason, name: hvExitReasonName(reason) };
    }
  }

  #handleException(esr: bigint): VmExit | undefined {
    const ec = exceptionClass(esr);
    switch (ec) {
      case ExceptionClass.DATA_ABORT_LOWER:
        return this.#dataAbort(esr);
      case ExceptionClass.HVC64:
        return this.#psci(false);
      case ExceptionClass.SMC64:
        return this.#psci(true);
      case ExceptionClass.SYSREG:
        this.#sysRegTrap(esr);
        return undefined;
      case ExceptionClass.WFX:
        if (!isWaitForEvent(esr)) this.#idle();
        this.#advancePc();
        return undefined;
      case ExceptionClass.INSTRUCTION_ABORT_LOWER:
        return this.#internalError(
          HvpInternalError.INSTRUCTION_ABORT,
          `the guest fetched an instruction from ${hex(this.#exit.physicalAddress)}, ` +
            'which is not guest RAM',
        );
      default:
        return this.#internalError(
          HvpInternalError.UNHANDLED_EXCEPTION,
          `unhandled exception class ${describeExceptionClass(ec)}`,
        );
    }
  }

  /**
   * EC 0x24: the guest loaded or stored outside RAM. Returns the MMIO exit; the register
   * write-back (loads) and the step over the instruction happen at the next `run()`.
   */
  #dataAbort(esr: bigint): VmExit | undefined {
    const access = decodeDataAbort(esr);
    const address = this.#exit.physicalAddress;
    if (access.cacheMaintenance) {
      this.#advancePc();
      return undefined;
    }
    if (access.stage1Walk) {
      return this.#internalError(
        HvpInternalError.PAGE_TABLE_WALK_ABORT,
        `a stage 1 page table walk touched ${hex(address)}, which is not guest RAM`,
      );
    }
    if (!access.valid) {
      return this.#internalError(
        HvpInternalError.MMIO_WITHOUT_SYNDROME,
        `the guest accessed MMIO at ${hex(address)} with an instruction the hypervisor cannot ` +
          'emulate (no valid instruction syndrome: a load/store pair, writeback or SIMD access)',
      );
    }
    const data = this.#mmioViews[access.size];
    if (access.isWrite) {
      storeRegisterBytes(access.register === 31 ? 0n : this.getReg(hvRegX(access.register)), data);
    } else {
      data.fill(0);
    }
    this.#completion = { access, data };
    return { kind: 'mmio', isWrite: access.isWrite, address, data };
  }

  #completeMmio(): void {
    const completion = this.#completion;
    if (completion === undefined) return;
    this.#completion = undefined;
    const { access, data } = completion;
    if (!access.isWrite && access.register !== 31) {
      this.setReg(hvRegX(access.register), loadedRegisterValue(data, access));
    }
    this.#advancePc();
  }

  /**
   * HVC or SMC: a PSCI call (DTB `method` may be either). A trapped SMC leaves PC on the SMC,
   * so it is stepped over; HVC is an exception return to the next instruction already.
   */
  #psci(isSmc: boolean): VmExit | undefined {
    const outcome = handlePsci(
      {
        functionId: Number(this.getReg(HvReg.X0) & 0xffff_ffffn),
        x1: this.getReg(hvRegX(1)),
        x2: this.getReg(hvRegX(2)),
        x3: this.getReg(hvRegX(3)),
      },
      this.id,
      this.#state,
    );
    if (isSmc) this.#advancePc();
    switch (outcome.kind) {
      case 'return':
        this.setReg(HvReg.X0, outcome.x0);
        return undefined;
      case 'cpu-off':
        this.#state.setPower(this.id, PowerState.OFF);
        return undefined;
      case 'system-off':
        return POWER_OFF;
      case 'system-reset':
        return RESET;
    }
  }

  /**
   * EC 0x18: a system register the framework did not handle. Reads return 0, writes are
   * ignored (RAZ/WI), and the instruction is stepped over. What Linux writes here at boot is
   * OSLAR_EL1 and OSDLR_EL1 (the OS lock registers), which have no meaning in a VM.
   */
  #sysRegTrap(esr: bigint): void {
    const access = decodeSysRegAccess(esr);
    if (access.isRead && access.register !== 31) this.setReg(hvRegX(access.register), 0n);
    this.#advancePc();
  }

  /**
   * WFI: sleeps until something may have woken the guest: an interrupt raised or a kick since
   * the vCPU entered the guest, or the virtual timer's deadline. With a GIC and several vCPUs
   * the sleep is capped at {@link IDLE_POLL_MS} (see there).
   */
  #idle(): void {
    if (this.#vtimerAsserted) return;
    let timeout = this.#millisecondsUntilTimer();
    if (timeout === 0) return;
    if (this.#state.gicCreated && this.#state.vcpuCount > 1) {
      timeout = Math.min(timeout ?? IDLE_POLL_MS, IDLE_POLL_MS);
    }
    this.#state.sleep(this.id, this.#wakeSeen, timeout);
  }

  #millisecondsUntilTimer(): number | undefined {
    const ctl = this.getSysReg(HvSysReg.CNTV_CTL_EL0);
    const compareValue = this.getSysReg(HvSysReg.CNTV_CVAL_EL0);
    const offset = this.#api.vcpuGetVtimerOffset(this.hvVcpu);
    this.#check('hv_vcpu_get_vtimer_offset', offset.status);
    this.#timebase ??= this.#api.machTimebaseInfo();
    const count = this.#api.machAbsoluteTime() - offset.value;
    return millisecondsUntilTimer(ctl, compareValue, count, this.#timebase);
  }

  /**
   * HV_EXIT_REASON_VTIMER_ACTIVATED: the timer fired and the framework masked it. Its PPI
   * (INTID 27) is made pending: with the GIC through the redistributor's ISPENDR0, without one
   * as the vCPU's IRQ line before each run. {@link #syncVtimer} unmasks it once the guest has
   * handled it. (With `hv_gic_create` the framework is expected to deliver the timer PPI itself
   * and not exit at all; rust-vm boots Linux that way without handling this exit.)
   */
  #vtimerActivated(): void {
    this.#vtimerAsserted = true;
    if (this.#state.gicCreated) {
      const status = this.#api.gicSetRedistributorReg(
        this.hvVcpu,
        HvGicRedistributorReg.ISPENDR0,
        1n << BigInt(HvGicIntid.EL1_VIRTUAL_TIMER),
      );
      this.#check('hv_gic_set_redistributor_reg', status, 'GICR_ISPENDR0, virtual timer PPI');
    }
  }

  /**
   * Before each run while the timer is asserted: keeps its IRQ pending (no GIC) until the guest
   * has handled it (the timer no longer asserts: reprogrammed, disabled or masked), then
   * unmasks it (`hv_vcpu_set_vtimer_mask(false)`) so the framework reports the next expiry.
   */
  #syncVtimer(): void {
    if (!this.#vtimerAsserted) return;
    if (timerInterruptAsserted(this.getSysReg(HvSysReg.CNTV_CTL_EL0))) {
      if (!this.#state.gicCreated) {
        const status = this.#api.vcpuSetPendingInterrupt(this.hvVcpu, HvInterruptType.IRQ, true);
        this.#check('hv_vcpu_set_pending_interrupt', status, 'virtual timer IRQ');
      }
      return;
    }
    this.#check('hv_vcpu_set_vtimer_mask', this.#api.vcpuSetVtimerMask(this.hvVcpu, false));
    this.#vtimerAsserted = false;
  }

  /** Waits, powered off, for a CPU_ON. False if a kick came first. */
  #awaitCpuOn(): boolean {
    for (;;) {
      const seen = this.#state.wakeCount(this.id);
      if (this.#state.takeKick(this.id)) return false;
      const start = this.#state.takeCpuOn(this.id);
      if (start !== undefined) {
        this.#enterAt(start.entry, start.context);
        return true;
      }
      this.#state.sleep(this.id, seen);
    }
  }

  /** Sets the registers a CPU starts with: PC, X0, X1..X3 = 0, EL1h/DAIF, MMU and caches off. */
  #enterAt(entry: bigint, x0: bigint): void {
    this.#completion = undefined;
    this.setReg(HvReg.PC, entry);
    this.setReg(HvReg.X0, x0);
    for (let n = 1; n <= 3; n++) this.setReg(hvRegX(n), 0n);
    this.setReg(HvReg.CPSR, BOOT_CPSR);
    const sctlr = this.getSysReg(HvSysReg.SCTLR_EL1);
    this.setSysReg(HvSysReg.SCTLR_EL1, sctlr & ~SCTLR_MMU_AND_CACHES);
  }

  #advancePc(): void {
    this.setReg(HvReg.PC, this.getReg(HvReg.PC) + INSTRUCTION_BYTES);
  }

  #internalError(suberror: number, what: string): VmExit {
    const esr = this.#exit.syndrome;
    return {
      kind: 'internal-error',
      suberror,
      description: `${what} (ESR_EL2 ${hex(esr)})`,
      data: [esr, this.#exit.virtualAddress, this.#exit.physicalAddress],
    };
  }

  #check(call: string, status: number, context?: string): void {
    if (status !== HvReturn.SUCCESS) {
      throw new HvError(
        call,
        status,
        `vCPU ${this.id}${context === undefined ? '' : `, ${context}`}`,
      );
    }
  }

  #checkOpen(call: string): void {
    if (this.#closed) throw new HvError(call, HvReturn.NO_DEVICE, `vCPU ${this.id} is closed`);
  }
}
