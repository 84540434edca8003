// Builds ESR_EL2 values the way the hardware reports them (Arm ARM D24.2.40): EC in 31:26,
// IL (32-bit instruction) in 25, ISS in 24:0.

/** ESR_EL2 for exception class `ec` with syndrome `iss` and IL set. */
export function syndrome(ec: number, iss: number): bigint {
  return (BigInt(ec) << 26n) | (1n << 25n) | BigInt(iss);
}

/** The fields of a data abort's ISS. */
export interface DataAbortFields {
  size: 1 | 2 | 4 | 8;
  register: number;
  write: boolean;
  signExtend?: boolean;
  sixtyFourBit?: boolean;
  valid?: boolean;
  cacheMaintenance?: boolean;
  stage1Walk?: boolean;
}

/** ESR_EL2 of a data abort from a lower EL (EC 0x24), DFSC 0x06 (translation fault, level 2). */
export function dataAbort(fields: DataAbortFields): bigint {
  const sas = { 1: 0, 2: 1, 4: 2, 8: 3 }[fields.size];
  const iss =
    (((fields.valid ?? true) ? 1 : 0) << 24) |
    (sas << 22) |
    ((fields.signExtend ? 1 : 0) << 21) |
    (fields.register << 16) |
    (((fields.sixtyFourBit ?? fields.size === 8) ? 1 : 0) << 15) |
    ((fields.cacheMaintenance ? 1 : 0) << 8) |
    ((fields.stage1Walk ? 1 : 0) << 7) |
    ((fields.write ? 1 : 0) << 6) |
    0x06;
  return syndrome(0x24, iss);
}

/** ESR_EL2 of a trapped MSR/MRS (EC 0x18). */
export function sysRegTrap(
  op0: number,
  op1: number,
  crn: number,
  crm: number,
  op2: number,
  rt: number,
  read: boolean,
): bigint {
  const iss =
    (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
  return syndrome(0x18, iss);
}

/** `hvc #0` (EC 0x16). */
export const HVC = syndrome(0x16, 0);
/** `smc #0` (EC 0x17). */
export const SMC = syndrome(0x17, 0);
/** `wfi` (EC 0x01, CV = 1, COND = 0b1110, TI = 0). */
export const WFI = syndrome(0x01, 0x1e0_0000);
/** `wfe` (TI = 1). */
export const WFE = syndrome(0x01, 0x1e0_0001);
