/**
 * Register numbers and bits of the PC's MC146818-style CMOS RTC, behind its index port, as named
 * in Linux's `include/linux/mc146818rtc.h` and the Motorola MC146818A datasheet, and the bytes
 * PC firmware keeps there. Internal to this package.
 */

/** Bytes behind the index port: the clock's registers, then battery-backed RAM. */
export const CMOS_BYTES = 128;
/** Index port bit 7: NMI disable; not part of the register number. */
export const INDEX_NMI_DISABLE = 0x80;

/** Register 0x00: seconds. */
export const SECONDS = 0x00;
/** Register 0x02: minutes. */
export const MINUTES = 0x02;
/** Register 0x04: hours (bit 7 = PM in 12-hour mode). */
export const HOURS = 0x04;
/** Register 0x06: day of the week, 1 = Sunday. */
export const WEEKDAY = 0x06;
/** Register 0x07: day of the month. */
export const DAY = 0x07;
/** Register 0x08: month, 1 = January. */
export const MONTH = 0x08;
/** Register 0x09: year within the century. */
export const YEAR = 0x09;
/** Register 0x0a: status A (update in progress, divider, rate). */
export const STATUS_A = 0x0a;
/** Register 0x0b: status B (data mode, 24-hour mode, interrupt enables). */
export const STATUS_B = 0x0b;
/** Register 0x0c: status C (interrupt flags; read-only, cleared on read). */
export const STATUS_C = 0x0c;
/** Register 0x0d: status D (bit 7: RAM and time valid; read-only). */
export const STATUS_D = 0x0d;
/** Register 0x32: century, the register PC firmware (and ACPI's FADT default) uses. */
export const CENTURY = 0x32;

/** Status A at reset: 32.768 kHz time base (0x20), 1024 Hz periodic rate (0x06), UIP clear. */
export const INITIAL_STATUS_A = 0x26;
/** Status A bit 7: update in progress; always clear because reads are computed on demand. */
export const STATUS_A_UPDATE_IN_PROGRESS = 0x80;
/** Status B at reset: 24-hour mode, BCD data. */
export const INITIAL_STATUS_B = 0x02;
/** Status B bit 1: 24-hour mode (clear: 12-hour with bit 7 of the hour meaning PM). */
export const STATUS_B_24_HOUR = 0x02;
/** Status B bit 2: binary data mode (clear: BCD). */
export const STATUS_B_BINARY = 0x04;
/** Status D: valid RAM and time (the battery is good). */
export const STATUS_D_VALID = 0x80;
/** Hour bit 7 in 12-hour mode: PM. */
export const HOUR_PM = 0x80;

/** Registers 0x15/0x16: base memory in KiB, little-endian. */
export const BASE_MEMORY_KIB = 0x15;
/** Registers 0x17/0x18: memory from 1 MiB up to 64 MiB, in KiB. */
export const EXTENDED_MEMORY_KIB = 0x17;
/** Registers 0x30/0x31: the same extended memory size again (as reported by POST). */
export const EXTENDED_MEMORY_KIB_POST = 0x30;
/** Registers 0x34/0x35: memory from 16 MiB up to 4 GiB, in 64 KiB units. */
export const MEMORY_ABOVE_16M_64K = 0x34;
/** Base memory a PC reports: 640 KiB. */
export const BASE_MEMORY_SIZE_KIB = 640;
