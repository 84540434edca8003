import { KVM_HAS_DEVICE_ATTR, KVM_SET_DEVICE_ATTR } from './bindings/ioctl-numbers.js';
import { encodeKvmDeviceAttr } from './bindings/kvm-device-attr.js';
import { Errno } from './errno.js';
import { KvmError } from './kvm-error.js';
import { libc, type Libc } from './libc.js';
import { NativeBuffer } from './native-buffer.js';

/** One attribute of an in-kernel device, for {@link KvmDevice.setAttr}. */
export interface KvmDeviceAttribute {
  /** The attribute group (e.g. `KVM_DEV_ARM_VGIC_GRP_ADDR`). */
  readonly group: number;
  /** The attribute within the group. */
  readonly attr: bigint;
  /**
   * The value's bytes as the device expects them (a little-endian `__u64` address, a `__u32`
   * count ...), or `undefined` for attributes that take none (e.g. a control operation).
   */
  readonly value?: Uint8Array;
  /** What the attribute is, for error messages (`vGIC distributor address`). */
  readonly description: string;
}

/**
 * An in-kernel device file descriptor made by KVM_CREATE_DEVICE (e.g. the arm64 vGICv3). Like
 * rust-vmm's `DeviceFd`: one method per ioctl. `KvmVirt.createDevice` makes it; the VM's owner
 * closes it.
 */
export class KvmDevice {
  readonly #libc: Libc;
  #closed = false;

  /** Wraps device file descriptor `fd`, of KVM device type `type`. */
  constructor(
    /** The device file descriptor. */
    readonly fd: number,
    /** The `KVM_DEV_TYPE_*` it was created as. */
    readonly type: number,
  ) {
    this.#libc = libc();
  }

  /**
   * KVM_SET_DEVICE_ATTR: sets `attribute`, passing the kernel the address of a native copy of
   * its value. Throws {@link KvmError} naming the attribute when the device refuses it.
   */
  setAttr(attribute: KvmDeviceAttribute): void {
    const c = this.#libc;
    this.#checkOpen('KVM_SET_DEVICE_ATTR', attribute.description);
    const { value } = attribute;
    const native = value === undefined ? undefined : new NativeBuffer(c, value.length);
    try {
      if (value !== undefined) native?.bytes.set(value);
      const attr = encodeKvmDeviceAttr({
        group: attribute.group,
        attr: attribute.attr,
        addr: native?.address ?? 0n,
      });
      if (c.ioctlBuffer(this.fd, KVM_SET_DEVICE_ATTR, attr) < 0) {
        throw new KvmError('KVM_SET_DEVICE_ATTR', c.errno(), attribute.description);
      }
    } finally {
      native?.free();
    }
  }

  /**
   * KVM_HAS_DEVICE_ATTR: whether the device knows attribute `attr` of `group` (false when the
   * kernel answers ENXIO; other failures throw {@link KvmError}).
   */
  hasAttr(group: number, attr: bigint): boolean {
    const c = this.#libc;
    const what = `group ${group} attribute ${attr}`;
    this.#checkOpen('KVM_HAS_DEVICE_ATTR', what);
    const arg = encodeKvmDeviceAttr({ group, attr, addr: 0n });
    if (c.ioctlBuffer(this.fd, KVM_HAS_DEVICE_ATTR, arg) >= 0) return true;
    const errno = c.errno();
    if (errno === Errno.ENXIO) return false;
    throw new KvmError('KVM_HAS_DEVICE_ATTR', errno, what);
  }

  /** Closes the device file descriptor. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#libc.close(this.fd);
  }

  #checkOpen(name: string, context: string): void {
    if (this.#closed) throw new KvmError(name, Errno.EBADF, `${context}: the device is closed`);
  }
}
