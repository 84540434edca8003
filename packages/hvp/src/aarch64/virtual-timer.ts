import type { MachTimebase } from '../hv-api.js';

/**
 * The EL1 virtual timer's control bits (CNTV_CTL_EL0, Arm ARM D24.10.17): ENABLE (bit 0),
 * IMASK (bit 1) and the read-only ISTATUS (bit 2, the timer condition is met).
 */
export const CntvCtl = {
  /** ENABLE: the timer is on. */
  ENABLE: 1n << 0n,
  /** IMASK: the timer's interrupt is masked. */
  IMASK: 1n << 1n,
  /** ISTATUS: the compare value has been reached. */
  ISTATUS: 1n << 2n,
} as const;

/** Whether the timer drives its interrupt now: enabled, condition met, not masked. */
export function timerInterruptAsserted(ctl: bigint): boolean {
  return (
    (ctl & (CntvCtl.ENABLE | CntvCtl.IMASK | CntvCtl.ISTATUS)) ===
    (CntvCtl.ENABLE | CntvCtl.ISTATUS)
  );
}

/**
 * How long an idle vCPU may sleep before its virtual timer fires, in milliseconds: 0 if it is
 * due now, undefined if the timer cannot fire (disabled or masked). `count` is the current
 * virtual count (mach_absolute_time minus the vCPU's vtimer offset); ticks become time through
 * the host timebase.
 */
export function millisecondsUntilTimer(
  ctl: bigint,
  compareValue: bigint,
  count: bigint,
  timebase: MachTimebase,
): number | undefined {
  if ((ctl & CntvCtl.ENABLE) === 0n || (ctl & CntvCtl.IMASK) !== 0n) return undefined;
  if ((ctl & CntvCtl.ISTATUS) !== 0n || compareValue <= count) return 0;
  const nanoseconds = ((compareValue - count) * BigInt(timebase.numer)) / BigInt(timebase.denom);
  return Number(nanoseconds) / 1e6;
}
