import { BootLoaderError } from '../errors.js';

/**
 * ACPI tables cannot be written as asked: a name, identifier or value does not fit the field
 * the ACPI specification gives it, the VM has more vCPUs than the tables can describe, or guest
 * RAM does not cover the area the tables go in. The message names the value at fault.
 */
export class AcpiTableError extends BootLoaderError {}
