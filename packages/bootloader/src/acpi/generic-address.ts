/** Size of a Generic Address Structure (ACPI 6.5 §5.2.3.2). */
export const GENERIC_ADDRESS_SIZE = 12;
/** Address Space ID of a register in the system I/O (port) space. */
export const ADDRESS_SPACE_SYSTEM_IO = 1;
/** Access Size code for byte (8-bit) accesses. */
export const ACCESS_SIZE_BYTE = 1;

/** A Generic Address Structure: where a register lives and how wide it is. */
export interface GenericAddress {
  /** Address Space ID (e.g. {@link ADDRESS_SPACE_SYSTEM_IO}). */
  readonly addressSpace: number;
  /** Register Bit Width: how many bits the register has. */
  readonly bitWidth: number;
  /** Register Bit Offset: where the register starts within the addressed unit. */
  readonly bitOffset: number;
  /** Access Size code (e.g. {@link ACCESS_SIZE_BYTE}). */
  readonly accessSize: number;
  /** The register's address in its space (a port number for system I/O). */
  readonly address: bigint;
}

/** An 8-bit register at I/O `port`, read and written with byte accesses. */
export function systemIoByteRegister(port: number): GenericAddress {
  return {
    addressSpace: ADDRESS_SPACE_SYSTEM_IO,
    bitWidth: 8,
    bitOffset: 0,
    accessSize: ACCESS_SIZE_BYTE,
    address: BigInt(port),
  };
}

/** Writes `register` as a 12-byte Generic Address Structure at `offset` of `view`. */
export function writeGenericAddress(
  view: DataView,
  offset: number,
  register: GenericAddress,
): void {
  view.setUint8(offset, register.addressSpace);
  view.setUint8(offset + 1, register.bitWidth);
  view.setUint8(offset + 2, register.bitOffset);
  view.setUint8(offset + 3, register.accessSize);
  view.setBigUint64(offset + 4, register.address, true);
}
