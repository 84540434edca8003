export { AcpiTableError } from './errors.js';
export { acpiChecksum, byteSum } from './checksum.js';
export {
  buildSdt,
  SDT_HEADER_SIZE,
  ACPI_OEM_ID,
  ACPI_OEM_TABLE_ID,
  ACPI_OEM_REVISION,
  ACPI_CREATOR_ID,
  ACPI_CREATOR_REVISION,
} from './sdt-header.js';
export {
  type GenericAddress,
  GENERIC_ADDRESS_SIZE,
  ADDRESS_SPACE_SYSTEM_IO,
  ACCESS_SIZE_BYTE,
  systemIoByteRegister,
  writeGenericAddress,
} from './generic-address.js';
export { buildRsdp, RSDP_SIZE, RSDP_REVISION } from './rsdp.js';
export { buildXsdt, XSDT_REVISION } from './xsdt.js';
export {
  buildFadt,
  type FadtOptions,
  FadtFlag,
  IapcBootArch,
  FADT_LENGTH,
  FADT_REVISION,
  FADT_MINOR_REVISION,
} from './fadt.js';
export { buildMadt, MADT_REVISION, MADT_PCAT_COMPAT } from './madt.js';
export {
  amlNameSeg,
  amlNameString,
  amlPkgLength,
  amlInteger,
  amlEisaId,
  amlName,
  amlPackage,
  amlBuffer,
  amlScope,
  amlDevice,
} from './aml.js';
export { amlIoRange, amlIrqNoFlags, amlResourceTemplate } from './aml-resources.js';
