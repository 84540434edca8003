import { VmmError } from '@vmm/core';

/**
 * A device was built from configuration it cannot work with, such as a shared-state buffer of
 * the wrong kind or size. The message names the device and what it needs instead.
 */
export class DeviceConfigError extends VmmError {}
