import { Errno } from './errno.js';
import { KvmError } from './kvm-error.js';
import type { Libc } from './libc.js';

/**
 * A few bytes of zeroed native memory with a fixed address, for ioctls whose struct holds a
 * pointer to a value (`kvm_one_reg.addr`, `kvm_device_attr.addr`): a JS buffer has no address
 * the kernel could be given. Free it with {@link NativeBuffer.free}.
 */
export class NativeBuffer {
  /** Host address of the first byte. */
  readonly address: bigint;
  /** The bytes, viewed in place. */
  readonly bytes: Uint8Array;
  /** The same bytes as a DataView. */
  readonly view: DataView;
  readonly #libc: Libc;
  #freed = false;

  /** Allocates `size` zeroed bytes (calloc); throws {@link KvmError} if none are left. */
  constructor(c: Libc, size: number) {
    const address = c.calloc(1, size);
    if (address === 0n) throw new KvmError('calloc', Errno.ENOMEM, `${size} bytes`);
    this.#libc = c;
    this.address = address;
    this.bytes = new Uint8Array(c.view(address, size));
    this.view = new DataView(this.bytes.buffer);
  }

  /** Releases the memory. Safe to call twice. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.#libc.free(this.address);
  }
}
