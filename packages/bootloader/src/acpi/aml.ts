import { concatBytes } from './bytes.js';
import { AcpiTableError } from './errors.js';

/**
 * Encoders for the few ACPI Machine Language terms vmm's tables need (ACPI 6.5 §20, "ACPI
 * Machine Language Specification"). Each returns the bytes of one complete term, so terms nest
 * by passing one encoder's output to another.
 */

/** ZeroOp: the integer 0. */
const ZERO_OP = 0x00;
/** OneOp: the integer 1. */
const ONE_OP = 0x01;
/** NameOp: `Name (NameString, DataRefObject)`. */
const NAME_OP = 0x08;
/** BytePrefix: a one-byte integer follows. */
const BYTE_PREFIX = 0x0a;
/** WordPrefix: a two-byte integer follows. */
const WORD_PREFIX = 0x0b;
/** DWordPrefix: a four-byte integer follows. */
const DWORD_PREFIX = 0x0c;
/** QWordPrefix: an eight-byte integer follows. */
const QWORD_PREFIX = 0x0e;
/** ScopeOp: `Scope (NameString) { TermList }`. */
const SCOPE_OP = 0x10;
/** BufferOp: `Buffer (BufferSize) { ByteList }`. */
const BUFFER_OP = 0x11;
/** PackageOp: `Package (NumElements) { PackageElementList }`. */
const PACKAGE_OP = 0x12;
/** DualNamePrefix: two name segments follow. */
const DUAL_NAME_PREFIX = 0x2e;
/** MultiNamePrefix: a segment count and that many name segments follow. */
const MULTI_NAME_PREFIX = 0x2f;
/** ExtOpPrefix: the next byte is an extended opcode. */
const EXT_OP_PREFIX = 0x5b;
/** DeviceOp (after ExtOpPrefix): `Device (NameString) { TermList }`. */
const DEVICE_OP = 0x82;
/** RootChar `\`: the path starts at the namespace root. */
const ROOT_CHAR = 0x5c;
/** NullName: a name path with no segments. */
const NULL_NAME = 0x00;
/** Largest value a PkgLength can encode (28 bits). */
const MAX_PKG_LENGTH = 0x0fff_ffff;

/** Wraps a single opcode byte. */
function op(byte: number): Uint8Array {
  return Uint8Array.of(byte);
}

/**
 * A 4-byte NameSeg: a letter or `_` followed by up to three letters, digits or `_`, padded
 * with `_` to four characters (`"_S5"` becomes `"_S5_"`).
 */
export function amlNameSeg(segment: string): Uint8Array {
  if (!/^[A-Z_][A-Z0-9_]{0,3}$/.test(segment)) {
    throw new AcpiTableError(
      `${JSON.stringify(segment)} is not an ACPI name segment: use 1 to 4 characters from ` +
        'A-Z, 0-9 and _, not starting with a digit',
    );
  }
  return Uint8Array.from(segment.padEnd(4, '_'), (char) => char.charCodeAt(0));
}

/**
 * A NameString: an optional leading `\` (absolute path) and dot-separated name segments,
 * e.g. `"_HID"`, `"\\_SB_"` or `"\\_SB_.COM1"`. Two segments take the DualNamePrefix, more the
 * MultiNamePrefix; `"\\"` alone is the root.
 */
export function amlNameString(path: string): Uint8Array {
  const absolute = path.startsWith('\\');
  const rest = absolute ? path.slice(1) : path;
  const segments = rest === '' ? [] : rest.split('.').map(amlNameSeg);
  if (segments.length === 0 && !absolute) {
    throw new AcpiTableError('an ACPI name path needs at least one segment or a leading \\');
  }
  if (segments.length > 0xff) {
    throw new AcpiTableError(`an ACPI name path has at most 255 segments, not ${segments.length}`);
  }
  const prefix = absolute ? [op(ROOT_CHAR)] : [];
  if (segments.length === 0) return concatBytes([...prefix, op(NULL_NAME)]);
  if (segments.length === 1) return concatBytes([...prefix, ...segments]);
  if (segments.length === 2) return concatBytes([...prefix, op(DUAL_NAME_PREFIX), ...segments]);
  return concatBytes([...prefix, Uint8Array.of(MULTI_NAME_PREFIX, segments.length), ...segments]);
}

/**
 * A PkgLength for `contentLength` bytes of content. The encoded value counts the PkgLength's
 * own bytes too: one byte holds up to 63; otherwise the lead byte's bits 7:6 say how many
 * bytes follow (1 to 3), its bits 3:0 are the value's low nibble and the following bytes the
 * rest, least significant first.
 */
export function amlPkgLength(contentLength: number): Uint8Array {
  if (contentLength + 1 <= 0x3f) return Uint8Array.of(contentLength + 1);
  for (let following = 1; following <= 3; following++) {
    const total = contentLength + 1 + following;
    if (total < 2 ** (4 + 8 * following)) {
      const bytes = new Uint8Array(1 + following);
      bytes[0] = (following << 6) | (total & 0x0f);
      for (let i = 1; i <= following; i++) {
        bytes[i] = Math.floor(total / 2 ** (4 + 8 * (i - 1))) & 0xff;
      }
      return bytes;
    }
  }
  throw new AcpiTableError(
    `an AML package of ${contentLength} bytes exceeds the largest PkgLength ` +
      `(${MAX_PKG_LENGTH} bytes); split it`,
  );
}

/** An integer constant in its shortest form: ZeroOp, OneOp, or a Byte/Word/DWord/QWord const. */
export function amlInteger(value: number | bigint): Uint8Array {
  const n = BigInt(value);
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) {
    throw new AcpiTableError(`${n} does not fit an AML integer (0 to 2^64 - 1)`);
  }
  if (n === 0n) return op(ZERO_OP);
  if (n === 1n) return op(ONE_OP);
  const [prefix, size] =
    n <= 0xffn
      ? [BYTE_PREFIX, 1]
      : n <= 0xffffn
        ? [WORD_PREFIX, 2]
        : n <= 0xffff_ffffn
          ? [DWORD_PREFIX, 4]
          : [QWORD_PREFIX, 8];
  const bytes = new Uint8Array(1 + size);
  bytes[0] = prefix;
  for (let i = 0; i < size; i++) bytes[1 + i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return bytes;
}

/**
 * A compressed EISA id (`EisaId ("PNP0501")`) as the DWordConst ASL produces: three letters
 * packed five bits each (A = 1) into a big-endian 16-bit word, then the four hex digits as two
 * bytes, in that byte order.
 */
export function amlEisaId(id: string): Uint8Array {
  if (!/^[A-Z]{3}[0-9A-F]{4}$/.test(id)) {
    throw new AcpiTableError(
      `${JSON.stringify(id)} is not an EISA id: use three capital letters and four hex digits ` +
        '(e.g. PNP0501)',
    );
  }
  const letter = (index: number) => id.charCodeAt(index) - 0x40;
  const vendor = (letter(0) << 10) | (letter(1) << 5) | letter(2);
  const product = Number.parseInt(id.slice(3), 16);
  return Uint8Array.of(DWORD_PREFIX, vendor >> 8, vendor & 0xff, product >> 8, product & 0xff);
}

/** `Name (path, value)`: binds `value` (an encoded data object) to a name. */
export function amlName(path: string, value: Uint8Array): Uint8Array {
  return concatBytes([op(NAME_OP), amlNameString(path), value]);
}

/** `Package () { elements }`: a package of encoded data objects (at most 255). */
export function amlPackage(elements: readonly Uint8Array[]): Uint8Array {
  if (elements.length > 0xff) {
    throw new AcpiTableError(`an AML package holds at most 255 elements, not ${elements.length}`);
  }
  const content = concatBytes([Uint8Array.of(elements.length), ...elements]);
  return concatBytes([op(PACKAGE_OP), amlPkgLength(content.length), content]);
}

/** `Buffer () { bytes }`: a buffer whose size is the number of `bytes`. */
export function amlBuffer(bytes: Uint8Array): Uint8Array {
  const content = concatBytes([amlInteger(bytes.length), bytes]);
  return concatBytes([op(BUFFER_OP), amlPkgLength(content.length), content]);
}

/** `Scope (path) { terms }`: opens an existing namespace scope such as `\_SB_`. */
export function amlScope(path: string, terms: readonly Uint8Array[]): Uint8Array {
  const content = concatBytes([amlNameString(path), ...terms]);
  return concatBytes([op(SCOPE_OP), amlPkgLength(content.length), content]);
}

/** `Device (path) { terms }`: declares a device object holding `terms` (its _HID, _CRS, ...). */
export function amlDevice(path: string, terms: readonly Uint8Array[]): Uint8Array {
  const content = concatBytes([amlNameString(path), ...terms]);
  return concatBytes([
    Uint8Array.of(EXT_OP_PREFIX, DEVICE_OP),
    amlPkgLength(content.length),
    content,
  ]);
}
