/**
 * Status and configuration bits of the PC's i8042 keyboard controller, as named in Linux's
 * `drivers/input/serio/i8042.h`, and the state PC firmware leaves it in. Internal to this
 * package.
 */

/** Bytes of the controller's RAM (byte 0 is the configuration byte). */
export const CONTROLLER_RAM_BYTES = 32;

/** Status bit 0: output buffer full, a byte waits at the data port. */
export const STATUS_OUTPUT_FULL = 0x01;
/** Status bit 2: system flag, set once the controller passed its self-test. */
export const STATUS_SYSTEM = 0x04;
/** Status bit 3: the last write went to the command port (clear: to the data port). */
export const STATUS_COMMAND = 0x08;
/** Status bit 4: keyboard not inhibited by the keylock. */
export const STATUS_UNLOCKED = 0x10;
/** Status bit 5: the waiting byte came from the auxiliary (mouse) port. */
export const STATUS_AUX_DATA = 0x20;

/** Controller configuration byte bit 2: the system flag, mirrored in status bit 2. */
export const CONFIG_SYSTEM = 0x04;
/** Controller configuration byte bit 4: keyboard port disabled. */
export const CONFIG_KBD_DISABLED = 0x10;
/** Controller configuration byte bit 5: auxiliary port disabled. */
export const CONFIG_AUX_DISABLED = 0x20;

/**
 * Configuration byte as PC firmware leaves it: keyboard and aux interrupts enabled (bits 0, 1),
 * system flag (bit 2), scan-code translation (bit 6).
 */
export const INITIAL_CONFIG = 0x47;
/** Status as PC firmware leaves it: self-test passed, keyboard not inhibited, nothing waiting. */
export const INITIAL_STATUS = STATUS_SYSTEM | STATUS_UNLOCKED;
/** Output port at reset: bit 0 high (reset line not asserted), bit 1 high (A20 enabled). */
export const INITIAL_OUTPUT_PORT = 0x03;
/** Output port bit 0: low holds the CPU in reset. */
export const OUTPUT_PORT_RESET_HIGH = 0x01;
