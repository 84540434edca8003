import { type BootState, x86_64Layout } from '@vmm/core';
import type { BootLoader, LoadTarget } from '../boot-loader.js';
import { encodeCommandLine } from '../command-line.js';
import { writeAcpiTables } from './acpi/acpi-tables.js';
import { e820Map } from './configurator/e820.js';
import { writeLongModeBootStructures } from './configurator/long-mode.js';
import { writeZeroPage } from './configurator/zero-page.js';
import { loadBzImage } from './loader/bzimage.js';
import { loadDecompressedKernel, lz4KernelPayload } from './loader/decompressed-kernel.js';
import { loadInitrd, type InitrdLoadResult } from './loader/initrd.js';
import { kaslrRandom } from './loader/kaslr-random.js';
import { parseSetupHeader, type SetupHeader } from './loader/setup-header.js';
import { lowRamEnd } from './ram.js';

/** What {@link BzImageLoader} boots. */
export interface BzImageLoaderOptions {
  /** The kernel's bzImage (vmlinuz) file contents. */
  readonly kernel: Uint8Array;
  /** An initrd/initramfs to hand to the kernel, if any. */
  readonly initrd?: Uint8Array | undefined;
  /** The kernel command line. */
  readonly cmdline: string;
  /**
   * Who decompresses the kernel. `'guest'` (the default) boots the bzImage through its own
   * decompressor. `'vmm'` decompresses an LZ4 payload (Linux's `CONFIG_KERNEL_LZ4`, Debian's
   * kernels) on the host and enters the kernel proper at `startup_64`, at its link-time
   * physical address and, unless the command line says `nokaslr`, a random virtual one (KASLR,
   * relocated by vmm, as the decompressor would); a payload in another format boots through the
   * guest's decompressor anyway.
   */
  readonly decompression?: 'vmm' | 'guest' | undefined;
}

/**
 * Boots an x86_64 Linux bzImage through the 64-bit boot protocol. Loading puts the
 * protected-mode kernel at 1 MiB for its own decompressor (or, with `decompression: 'vmm'`,
 * decompresses an LZ4 kernel and puts its load segments at their physical addresses), the
 * initrd as high as the kernel allows below the MMIO gap and the command line at
 * `CMDLINE_START`; configuring writes the ACPI tables (RSDP at
 * 0xE0000; hardware-reduced FADT, DSDT, MADT with one local APIC per vCPU), the zero page
 * (setup header, e820 map, command line, initrd and RSDP pointers), the identity page tables
 * and the boot GDT.
 * The vCPU starts in long mode at the kernel's 64-bit entry (`startup_64` of the kernel proper,
 * or of the decompressor at 1 MiB + 0x200) with rsi = the zero page.
 *
 * The kernel file and command line are checked when the loader is constructed; what depends
 * on the VM's memory size is checked by {@link BzImageLoader.load}.
 */
export class BzImageLoader implements BootLoader {
  /** The kernel's checked setup header. */
  readonly header: SetupHeader;
  readonly #kernel: Uint8Array;
  readonly #initrd: Uint8Array | undefined;
  readonly #cmdline: Uint8Array;
  /** The LZ4 payload vmm decompresses, or `undefined` when the guest does. */
  readonly #lz4Payload: Uint8Array | undefined;
  /** Whether the command line leaves KASLR on (no `nokaslr`). */
  readonly #kaslr: boolean;

  /**
   * Checks the kernel's setup header and the command line's length against it; throws a
   * {@link BootLoaderError} subclass naming the problem.
   */
  constructor(options: BzImageLoaderOptions) {
    this.header = parseSetupHeader(options.kernel);
    this.#kernel = options.kernel;
    this.#initrd = options.initrd;
    this.#lz4Payload =
      options.decompression === 'vmm' ? lz4KernelPayload(options.kernel, this.header) : undefined;
    this.#kaslr = !options.cmdline.split(/\s+/).includes('nokaslr');
    const layoutLimit = x86_64Layout.CMDLINE_MAX_SIZE - 1;
    this.#cmdline =
      this.header.cmdlineSize <= layoutLimit
        ? encodeCommandLine(
            options.cmdline,
            this.header.cmdlineSize,
            "the kernel's setup header (cmdline_size)",
          )
        : encodeCommandLine(options.cmdline, layoutLimit, "vmm's x86_64 layout (CMDLINE_MAX_SIZE)");
  }

  /**
   * Loads kernel, initrd and command line into `target.memory`, writes the ACPI tables for
   * `target.vcpus` vCPUs, the zero page, page tables and GDT, and returns the long-mode boot
   * state. Throws {@link KernelTooLargeError} or {@link InitrdTooLargeError} when they do not
   * fit in `target.ramSize` bytes of RAM, {@link InvalidKernelError} for a compressed kernel
   * that does not decompress, and {@link AcpiTableError} for more vCPUs than the MADT can
   * describe.
   */
  load(target: LoadTarget): BootState {
    const { memory, ramSize, vcpus } = target;
    const kernel =
      this.#lz4Payload === undefined
        ? loadBzImage(memory, this.#kernel, ramSize, this.header)
        : loadDecompressedKernel(memory, this.#lz4Payload, ramSize, {
            randomize: this.#kaslr ? kaslrRandom : undefined,
          });
    let initrd: InitrdLoadResult | undefined;
    if (this.#initrd !== undefined) {
      const ramEnd = lowRamEnd(ramSize);
      const addressLimit = this.header.initrdAddrMax + 1n;
      initrd = loadInitrd(memory, this.#initrd, {
        above: kernel.end,
        below: ramEnd < addressLimit ? ramEnd : addressLimit,
      });
    }
    memory.write(x86_64Layout.CMDLINE_START, this.#cmdline);
    const acpi = writeAcpiTables(memory, { vcpus });
    writeZeroPage(memory, x86_64Layout.ZERO_PAGE_START, {
      header: this.header,
      commandLine: x86_64Layout.CMDLINE_START,
      initrd,
      e820: e820Map(ramSize),
      acpiRsdp: acpi.rsdp,
      kaslr: this.#lz4Payload !== undefined && this.#kaslr,
    });
    const structures = writeLongModeBootStructures(memory);
    return {
      mode: 'x86_64-long',
      entry: kernel.entry,
      bootParams: x86_64Layout.ZERO_PAGE_START,
      pageTables: structures.pageTables,
      gdtBase: structures.gdtBase,
      gdtLimit: structures.gdtLimit,
      stack: x86_64Layout.BOOT_STACK_POINTER,
    };
  }
}
