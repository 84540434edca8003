import { instructionSyndrome } from './exception-syndrome.js';

/**
 * A data abort's ISS decoded (Arm ARM D24.2.40, ISS encoding for an exception from a Data
 * Abort): enough to emulate the load or store the guest made to an MMIO address.
 */
export interface DataAbort {
  /** ISV (bit 24): the fields below describe the access. Clear for LDP/STP, writeback etc. */
  readonly valid: boolean;
  /** SAS (bits 23:22): the access size in bytes. */
  readonly size: 1 | 2 | 4 | 8;
  /** SSE (bit 21): a load sign-extends (LDRSB, LDRSH, LDRSW). */
  readonly signExtend: boolean;
  /** SRT (bits 20:16): the transfer register Xt; 31 is XZR. */
  readonly register: number;
  /** SF (bit 15): Xt is 64 bits wide (clear: a W register, upper half zeroed on loads). */
  readonly sixtyFourBit: boolean;
  /** CM (bit 8): a cache maintenance instruction, not a load or store. */
  readonly cacheMaintenance: boolean;
  /** S1PTW (bit 7): the fault came from a stage 1 page table walk. */
  readonly stage1Walk: boolean;
  /** WnR (bit 6): a write (store); clear for a read (load). */
  readonly isWrite: boolean;
  /** DFSC (bits 5:0): the data fault status code. */
  readonly faultStatus: number;
}

const SIZES = [1, 2, 4, 8] as const;

/** Decodes the ISS of a data abort syndrome (EC 0x24 or 0x25). */
export function decodeDataAbort(esr: bigint): DataAbort {
  const iss = instructionSyndrome(esr);
  return {
    valid: ((iss >>> 24) & 1) === 1,
    size: SIZES[(iss >>> 22) & 3]!,
    signExtend: ((iss >>> 21) & 1) === 1,
    register: (iss >>> 16) & 0x1f,
    sixtyFourBit: ((iss >>> 15) & 1) === 1,
    cacheMaintenance: ((iss >>> 8) & 1) === 1,
    stage1Walk: ((iss >>> 7) & 1) === 1,
    isWrite: ((iss >>> 6) & 1) === 1,
    faultStatus: iss & 0x3f,
  };
}

const MASK_64 = (1n << 64n) - 1n;
const MASK_32 = (1n << 32n) - 1n;

/**
 * The value an emulated load leaves in Xt: the little-endian `data` (1, 2, 4 or 8 bytes)
 * sign-extended when `access.signExtend`, zero-extended otherwise, then cut to 32 bits (upper
 * half zero) when the destination is a W register.
 */
export function loadedRegisterValue(data: Uint8Array, access: DataAbort): bigint {
  let value = 0n;
  for (let i = data.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]!);
  const bits = BigInt(data.length * 8);
  if (access.signExtend && bits < 64n && (value >> (bits - 1n)) & 1n) {
    value = (value - (1n << bits)) & MASK_64;
  }
  return access.sixtyFourBit ? value : value & MASK_32;
}

/** Writes the low `data.length` bytes of `value` (a store's Xt) into `data`, little-endian. */
export function storeRegisterBytes(value: bigint, data: Uint8Array): void {
  let rest = value;
  for (let i = 0; i < data.length; i++) {
    data[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}
