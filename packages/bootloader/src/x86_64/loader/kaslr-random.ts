import { closeSync, openSync, readSync } from 'node:fs';

/** The host's entropy source, on Linux and macOS alike. */
const ENTROPY_DEVICE = '/dev/urandom';
/** One draw is a 32-bit word. */
const DRAW_SIZE = 4;
const DRAW_RANGE = 2 ** 32;

/**
 * A uniformly random integer in `[0, slots)` from the host's entropy, for choosing a KASLR
 * slot: 32-bit draws from `/dev/urandom`, those at or above the largest multiple of `slots`
 * drawn again so that no slot is likelier than another. Read with `node:fs`, which Node.js
 * loads at start-up anyway, rather than `node:crypto`, whose seventeen internal modules cost a
 * boot 6-12 ms natively and several times that in an emulated host.
 *
 * @throws RangeError when `slots` is not a whole number from 1 to 2^32.
 */
export function kaslrRandom(slots: number): number {
  if (!Number.isSafeInteger(slots) || slots < 1 || slots > DRAW_RANGE) {
    throw new RangeError(`a random slot needs 1 to 2^32 slots to choose from; got ${slots}`);
  }
  const accepted = DRAW_RANGE - (DRAW_RANGE % slots);
  const draw = new Uint8Array(DRAW_SIZE);
  const view = new DataView(draw.buffer);
  const fd = openSync(ENTROPY_DEVICE, 'r');
  try {
    for (;;) {
      if (readSync(fd, draw, 0, DRAW_SIZE, null) !== DRAW_SIZE) {
        throw new RangeError(`${ENTROPY_DEVICE} gave fewer than ${DRAW_SIZE} bytes`);
      }
      const value = view.getUint32(0, true);
      if (value < accepted) return value % slots;
    }
  } finally {
    closeSync(fd);
  }
}
