import { hex } from '@vmm/core';
import { DeviceTreeError } from './errors.js';

/** `magic` of a flattened device tree header. */
export const FDT_MAGIC = 0xd00d_feed;
/** The format version written: 17, the current one (devicetree specification v0.4 §5.1). */
export const FDT_VERSION = 17;
/** Oldest version a reader must understand to read what is written: 16. */
export const FDT_LAST_COMPATIBLE_VERSION = 16;

/** Structure block token: start of a node, followed by its NUL-terminated, padded name. */
const FDT_BEGIN_NODE = 0x1;
/** Structure block token: end of a node. */
const FDT_END_NODE = 0x2;
/** Structure block token: a property (length, name offset, padded value). */
const FDT_PROP = 0x3;
/** Structure block token: end of the structure block. */
const FDT_END = 0x9;
/** Size of the header (version 17): ten 32-bit words. */
const HEADER_SIZE = 40;
/** Size of one memory reservation entry: a 64-bit address and a 64-bit size. */
const RESERVATION_ENTRY_SIZE = 16;
/** Longest node or property name the specification allows (§2.2.1, §2.2.4), in characters. */
const MAX_NAME_LENGTH = 31;
/** A node name: node-name part, then an optional unit address (§2.2.1). */
const NODE_NAME = /^[A-Za-z][0-9A-Za-z,._+-]*(@[0-9A-Za-z,._+-]+)?$/;
/** A property name (§2.2.4). */
const PROPERTY_NAME = /^[0-9A-Za-z,._+?#-]+$/;
/** Largest 64-bit cell value. */
const U64_MAX = (1n << 64n) - 1n;

/** One entry of the memory reservation block: guest physical memory the OS must not use. */
export interface FdtMemoryReservation {
  /** Guest physical address of the first reserved byte. */
  readonly address: bigint;
  /** Number of reserved bytes. */
  readonly size: bigint;
}

/** Header fields of an {@link FdtWriter}'s output that are not derived from the content. */
export interface FdtWriterOptions {
  /** `boot_cpuid_phys`: the physical ID (`reg`) of the boot CPU; 0 by default. */
  readonly bootCpuidPhys?: number;
}

/** A node being written: what it already holds, to reject duplicates. */
interface OpenNode {
  readonly path: string;
  readonly properties: Set<string>;
  readonly children: Set<string>;
}

/** A growable big-endian byte buffer. */
class ByteBuffer {
  #bytes = new Uint8Array(1024);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** Appends a big-endian 32-bit value. */
  u32(value: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#length, value);
    this.#length += 4;
  }

  /** Appends `data`. */
  bytes(data: Uint8Array): void {
    this.#reserve(data.length);
    this.#bytes.set(data, this.#length);
    this.#length += data.length;
  }

  /** Appends zero bytes up to the next multiple of 4. */
  alignTo4(): void {
    const padding = (4 - (this.#length % 4)) % 4;
    this.#reserve(padding);
    this.#bytes.fill(0, this.#length, this.#length + padding);
    this.#length += padding;
  }

  /** A view of the bytes written so far. */
  contents(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  #reserve(count: number): void {
    if (this.#length + count <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < this.#length + count) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.contents());
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }
}

/** Checks that `value` fits a 32-bit cell. */
function checkU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new DeviceTreeError(`${what} is ${value}, which does not fit a 32-bit cell`);
  }
}

/** Checks that `value` fits a 64-bit (two-cell) value. */
function checkU64(value: bigint, what: string): void {
  if (value < 0n || value > U64_MAX) {
    throw new DeviceTreeError(`${what} is ${value}, which does not fit a 64-bit value`);
  }
}

/**
 * Writes a flattened device tree blob (DTB) as the devicetree specification v0.4 §5 lays it
 * out: a version-17 header, the memory reservation block (ended by a zero entry), the structure
 * block (nodes and properties as 4-byte aligned tokens) and the strings block (property names,
 * each stored once and shared by every property of that name).
 *
 * Nodes are written depth first: {@link beginNode} (the root's name is `""`), properties, child
 * nodes, {@link endNode}; {@link finish} returns the blob once the root is closed. Misuse (an
 * unbalanced node, a property outside a node, a duplicate or malformed name) throws
 * {@link DeviceTreeError}. Values are big-endian, as the format wants.
 */
export class FdtWriter {
  readonly #bootCpuidPhys: number;
  readonly #structure = new ByteBuffer();
  readonly #strings = new ByteBuffer();
  readonly #stringOffsets = new Map<string, number>();
  readonly #reservations: FdtMemoryReservation[] = [];
  readonly #open: OpenNode[] = [];
  #rootClosed = false;
  #finished = false;

  /** Starts an empty tree. */
  constructor(options: FdtWriterOptions = {}) {
    const bootCpuidPhys = options.bootCpuidPhys ?? 0;
    checkU32(bootCpuidPhys, 'boot_cpuid_phys');
    this.#bootCpuidPhys = bootCpuidPhys;
  }

  /** Adds an entry to the memory reservation block. */
  reserveMemory(address: bigint, size: bigint): void {
    this.#checkWritable('a memory reservation');
    checkU64(address, 'a memory reservation address');
    checkU64(size, 'a memory reservation size');
    if (size === 0n) {
      throw new DeviceTreeError(
        `the memory reservation at ${hex(address)} has size 0, which would end the reservation block`,
      );
    }
    this.#reservations.push({ address, size });
  }

  /**
   * Opens a node. The first node is the root and must be named `""`; every later node is a
   * child of the innermost open node, named `node-name[@unit-address]`.
   */
  beginNode(name: string): void {
    this.#checkWritable(`node "${name}"`);
    const parent = this.#open.at(-1);
    if (parent === undefined) {
      if (this.#rootClosed) {
        throw new DeviceTreeError(
          `node "${name}" would be a second root: the root node is already closed`,
        );
      }
      if (name !== '') {
        throw new DeviceTreeError(`the root node must be named "" (got "${name}")`);
      }
    } else {
      if (!NODE_NAME.test(name)) {
        throw new DeviceTreeError(
          `"${name}" (under ${parent.path}) is not a valid node name: use a letter followed by ` +
            'letters, digits or ",._+-", optionally "@" and a unit address',
        );
      }
      if ((name.split('@')[0] ?? '').length > MAX_NAME_LENGTH) {
        throw new DeviceTreeError(
          `node name "${name}" (under ${parent.path}) is longer than ${MAX_NAME_LENGTH} characters before the "@"`,
        );
      }
      if (parent.children.has(name)) {
        throw new DeviceTreeError(`node ${parent.path} already has a child named "${name}"`);
      }
      parent.children.add(name);
    }
    const path = parent === undefined ? '/' : `${parent.path === '/' ? '' : parent.path}/${name}`;
    this.#structure.u32(FDT_BEGIN_NODE);
    this.#structure.bytes(new TextEncoder().encode(`${name}\0`));
    this.#structure.alignTo4();
    this.#open.push({ path, properties: new Set(), children: new Set() });
  }

  /** Closes the innermost open node. */
  endNode(): void {
    this.#checkWritable('endNode()');
    if (this.#open.pop() === undefined) {
      throw new DeviceTreeError('endNode() was called with no node open');
    }
    this.#structure.u32(FDT_END_NODE);
    if (this.#open.length === 0) this.#rootClosed = true;
  }

  /** Adds a property with raw `value` bytes to the innermost open node. */
  property(name: string, value: Uint8Array): void {
    const node = this.#open.at(-1);
    if (node === undefined) {
      throw new DeviceTreeError(
        `property "${name}" is outside any node: call beginNode() before adding properties`,
      );
    }
    this.#checkWritable(`property "${name}"`);
    if (name.length > MAX_NAME_LENGTH || !PROPERTY_NAME.test(name)) {
      throw new DeviceTreeError(
        `"${name}" (in ${node.path}) is not a valid property name: use 1 to ${MAX_NAME_LENGTH} ` +
          'letters, digits or ",._+?#-"',
      );
    }
    if (node.properties.has(name)) {
      throw new DeviceTreeError(`node ${node.path} already has a property "${name}"`);
    }
    node.properties.add(name);
    this.#structure.u32(FDT_PROP);
    this.#structure.u32(value.length);
    this.#structure.u32(this.#stringOffset(name));
    this.#structure.bytes(value);
    this.#structure.alignTo4();
  }

  /** Adds a property with no value (a boolean flag such as `interrupt-controller`). */
  propertyEmpty(name: string): void {
    this.property(name, new Uint8Array(0));
  }

  /** Adds a property holding one 32-bit cell. */
  propertyU32(name: string, value: number): void {
    this.propertyU32Array(name, [value]);
  }

  /** Adds a property holding a 64-bit value (two cells, high cell first). */
  propertyU64(name: string, value: bigint): void {
    this.propertyU64Array(name, [value]);
  }

  /** Adds a property holding a list of 32-bit cells (`<a b c>`). */
  propertyU32Array(name: string, values: readonly number[]): void {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((value, i) => {
      checkU32(value, `cell ${i} of property "${name}"`);
      view.setUint32(i * 4, value);
    });
    this.property(name, bytes);
  }

  /** Adds a property holding a list of 64-bit values, each as two cells (e.g. `reg` with 2/2 cells). */
  propertyU64Array(name: string, values: readonly bigint[]): void {
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    values.forEach((value, i) => {
      checkU64(value, `value ${i} of property "${name}"`);
      view.setBigUint64(i * 8, value);
    });
    this.property(name, bytes);
  }

  /** Adds a property holding one NUL-terminated string. */
  propertyString(name: string, value: string): void {
    this.propertyStringList(name, [value]);
  }

  /** Adds a property holding a list of NUL-terminated strings (e.g. `compatible`). */
  propertyStringList(name: string, values: readonly string[]): void {
    for (const value of values) {
      if (value.includes('\0')) {
        throw new DeviceTreeError(`a string of property "${name}" contains a NUL character`);
      }
    }
    this.property(name, new TextEncoder().encode(values.map((value) => `${value}\0`).join('')));
  }

  /** Gives the innermost open node its `phandle`, the number other nodes refer to it by. */
  propertyPhandle(phandle: number): void {
    if (phandle === 0 || phandle === 0xffff_ffff) {
      throw new DeviceTreeError(`phandle ${phandle} is reserved: use a value from 1 to 0xfffffffe`);
    }
    this.propertyU32('phandle', phandle);
  }

  /** Ends the structure block and returns the whole blob. The writer cannot be used afterwards. */
  finish(): Uint8Array {
    this.#checkWritable('finish()');
    const open = this.#open.at(-1);
    if (open !== undefined) {
      throw new DeviceTreeError(
        `node ${open.path} is still open (${this.#open.length} unclosed): call endNode() before finish()`,
      );
    }
    if (!this.#rootClosed) {
      throw new DeviceTreeError('the tree is empty: write a root node (beginNode("")) first');
    }
    this.#finished = true;
    this.#structure.u32(FDT_END);
    const structure = this.#structure.contents();
    const strings = this.#strings.contents();
    const reservationOffset = HEADER_SIZE;
    const structureOffset =
      reservationOffset + (this.#reservations.length + 1) * RESERVATION_ENTRY_SIZE;
    const stringsOffset = structureOffset + structure.length;
    const totalSize = stringsOffset + strings.length;

    const blob = new Uint8Array(totalSize);
    const view = new DataView(blob.buffer);
    const header = [
      FDT_MAGIC,
      totalSize,
      structureOffset,
      stringsOffset,
      reservationOffset,
      FDT_VERSION,
      FDT_LAST_COMPATIBLE_VERSION,
      this.#bootCpuidPhys,
      strings.length,
      structure.length,
    ];
    header.forEach((word, i) => view.setUint32(i * 4, word));
    this.#reservations.forEach((entry, i) => {
      view.setBigUint64(reservationOffset + i * RESERVATION_ENTRY_SIZE, entry.address);
      view.setBigUint64(reservationOffset + i * RESERVATION_ENTRY_SIZE + 8, entry.size);
    });
    blob.set(structure, structureOffset);
    blob.set(strings, stringsOffset);
    return blob;
  }

  #checkWritable(what: string): void {
    if (this.#finished) {
      throw new DeviceTreeError(`${what} comes after finish(): start a new FdtWriter`);
    }
  }

  #stringOffset(name: string): number {
    const known = this.#stringOffsets.get(name);
    if (known !== undefined) return known;
    const offset = this.#strings.length;
    this.#strings.bytes(new TextEncoder().encode(`${name}\0`));
    this.#stringOffsets.set(name, offset);
    return offset;
  }
}
