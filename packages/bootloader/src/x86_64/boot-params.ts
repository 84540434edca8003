/**
 * Byte offsets and flag values of Linux's x86 `struct boot_params` (the zero page) and of the
 * setup header inside it (Documentation/arch/x86/boot.rst and zero-page.rst). The setup header
 * sits at the same offsets in a bzImage file and in the zero page.
 */

/** Size of the zero page. */
export const ZERO_PAGE_SIZE = 0x1000;

/** `acpi_rsdp_addr`: guest physical address of the ACPI RSDP (u64; Linux 5.0+ reads it). */
export const ACPI_RSDP_ADDR = 0x070;
/** `ext_ramdisk_image`: bits 63..32 of the initrd's address (u32). */
export const EXT_RAMDISK_IMAGE = 0x0c0;
/** `ext_ramdisk_size`: bits 63..32 of the initrd's size (u32). */
export const EXT_RAMDISK_SIZE = 0x0c4;
/** `ext_cmd_line_ptr`: bits 63..32 of the command line's address (u32). */
export const EXT_CMD_LINE_PTR = 0x0c8;
/** `e820_entries`: number of entries in the e820 table (u8). */
export const E820_ENTRIES = 0x1e8;
/** `e820_table`: up to {@link E820_MAX_ENTRIES} entries of {@link E820_ENTRY_SIZE} bytes. */
export const E820_TABLE = 0x2d0;
/** Capacity of the zero page's e820 table. */
export const E820_MAX_ENTRIES = 128;
/** One e820 entry: u64 address, u64 size, u32 type. */
export const E820_ENTRY_SIZE = 20;

/** First byte of the setup header (`setup_sects`, u8). */
export const SETUP_HEADER_START = 0x1f1;
/** `setup_sects`: size of the real-mode setup code in 512-byte sectors, 0 meaning 4 (u8). */
export const SETUP_SECTS = 0x1f1;
/** `syssize`: size of the protected-mode code in 16-byte paragraphs (u32). */
export const SYSSIZE = 0x1f4;
/** `vid_mode`: video mode the setup code should select (u16). */
export const VID_MODE = 0x1fa;
/** `boot_flag`: {@link BOOT_FLAG_MAGIC} (u16). */
export const BOOT_FLAG = 0x1fe;
/** The second byte of the jump at 0x200; the setup header ends at 0x202 plus this byte. */
export const JUMP_OFFSET = 0x201;
/** `header`: {@link HEADER_MAGIC} (u32). */
export const HEADER = 0x202;
/** `version`: boot protocol version, major in the high byte (u16). */
export const VERSION = 0x206;
/** `kernel_version`: offset (minus 0x200) of the NUL-terminated version string (u16). */
export const KERNEL_VERSION = 0x20e;
/** `type_of_loader`: boot loader identifier (u8). */
export const TYPE_OF_LOADER = 0x210;
/** `loadflags` (u8). */
export const LOADFLAGS = 0x211;
/** `ramdisk_image`: bits 31..0 of the initrd's address (u32). */
export const RAMDISK_IMAGE = 0x218;
/** `ramdisk_size`: bits 31..0 of the initrd's size (u32). */
export const RAMDISK_SIZE = 0x21c;
/** `heap_end_ptr`: end of the setup stack/heap, relative to the setup code, minus 0x200 (u16). */
export const HEAP_END_PTR = 0x224;
/** `cmd_line_ptr`: bits 31..0 of the command line's address (u32). */
export const CMD_LINE_PTR = 0x228;
/** `initrd_addr_max`: highest address the initrd's last byte may occupy (u32). */
export const INITRD_ADDR_MAX = 0x22c;
/** `kernel_alignment`: physical alignment a relocatable kernel needs (u32). */
export const KERNEL_ALIGNMENT = 0x230;
/** `relocatable_kernel`: nonzero if the kernel may run at any suitably aligned address (u8). */
export const RELOCATABLE_KERNEL = 0x234;
/** `xloadflags` (u16). */
export const XLOADFLAGS = 0x236;
/** `cmdline_size`: longest command line, without the terminating NUL (u32). */
export const CMDLINE_SIZE = 0x238;
/** `payload_offset`: offset of the compressed kernel from the protected-mode code's start (u32). */
export const PAYLOAD_OFFSET = 0x248;
/** `payload_length`: size of the compressed kernel, its trailing 4-byte decompressed size included (u32). */
export const PAYLOAD_LENGTH = 0x24c;
/** `pref_address`: preferred load address (u64). */
export const PREF_ADDRESS = 0x258;
/** `init_size`: bytes of memory the kernel needs from its runtime start before it reads e820 (u32). */
export const INIT_SIZE = 0x260;
/** End of the setup header fields of boot protocol 2.12 (`handover_offset` ends here). */
export const SETUP_HEADER_2_12_END = 0x268;
/** End of the room `struct boot_params` leaves for the setup header. */
export const SETUP_HEADER_MAX_END = 0x290;

/** `boot_flag` of every bootable image. */
export const BOOT_FLAG_MAGIC = 0xaa55;
/** `header`: "HdrS" read as a little-endian u32. */
export const HEADER_MAGIC = 0x5372_6448;
/** Oldest boot protocol with `xloadflags` and the 64-bit entry point (Linux 3.8). */
export const MIN_PROTOCOL_VERSION = 0x020c;

/** `loadflags` bit: the protected-mode code is loaded at 0x100000 (a bzImage). */
export const LOADED_HIGH = 0x01;
/** `loadflags` bit: the kernel's virtual address was randomised (KASLR); set by the loader. */
export const KASLR_FLAG = 0x02;
/** `loadflags` bit: `heap_end_ptr` is valid. */
export const CAN_USE_HEAP = 0x80;
/** `xloadflags` bit: the kernel has the 64-bit entry point at load address + 0x200. */
export const XLF_KERNEL_64 = 0x01;

/** `type_of_loader` for a boot loader with no assigned identifier. */
export const UNDEFINED_LOADER = 0xff;
/** `vid_mode` asking for the normal 80x25 text mode (no prompt). */
export const VID_MODE_NORMAL = 0xffff;
/** `heap_end_ptr` value giving the setup code the usual heap below 0xFE00 + 0x200. */
export const HEAP_END = 0xfe00;
/** Offset of the 64-bit entry point from the protected-mode kernel's load address. */
export const ENTRY_64_OFFSET = 0x200n;
/** Size of a real-mode setup sector. */
export const SECTOR_SIZE = 512;
