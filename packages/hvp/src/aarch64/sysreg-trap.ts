import { instructionSyndrome } from './exception-syndrome.js';

/**
 * A trapped MSR/MRS (EC 0x18) decoded (Arm ARM D24.2.40, ISS encoding for an exception from
 * MSR, MRS or System instruction execution in AArch64 state).
 */
export interface SysRegAccess {
  /** Op0 (ISS bits 21:20). */
  readonly op0: number;
  /** Op1 (ISS bits 16:14). */
  readonly op1: number;
  /** CRn (ISS bits 13:10). */
  readonly crn: number;
  /** CRm (ISS bits 4:1). */
  readonly crm: number;
  /** Op2 (ISS bits 19:17). */
  readonly op2: number;
  /** Rt (ISS bits 9:5): the general register read or written; 31 is XZR. */
  readonly register: number;
  /** Direction (ISS bit 0): true for MRS (a read into Rt), false for MSR (a write from Rt). */
  readonly isRead: boolean;
}

/** Decodes the ISS of an MSR/MRS trap. */
export function decodeSysRegAccess(esr: bigint): SysRegAccess {
  const iss = instructionSyndrome(esr);
  return {
    op0: (iss >>> 20) & 3,
    op1: (iss >>> 14) & 7,
    crn: (iss >>> 10) & 0xf,
    crm: (iss >>> 1) & 0xf,
    op2: (iss >>> 17) & 7,
    register: (iss >>> 5) & 0x1f,
    isRead: (iss & 1) === 1,
  };
}
