/**
 * When the main thread should kick a vCPU whose port writes the hypervisor buffers, so that a
 * write no exit followed still reaches its device: only when the vCPU made no exit (other than
 * a kick's) since the last look, and not again until it has made one, so a guest that computes
 * or idles without port I/O is kicked once or twice, not on every look.
 */
export class BufferedWritesFlush {
  #seen = -1;
  #kickedAt = -1;

  /**
   * Looks at the vCPU: `exits` counts its exits other than kicks, `buffered` says whether its
   * writes are buffered now. Returns whether to kick it.
   */
  shouldKick(exits: number, buffered: boolean): boolean {
    const quiet = exits === this.#seen;
    this.#seen = exits;
    if (!buffered || !quiet || exits === this.#kickedAt) return false;
    this.#kickedAt = exits;
    return true;
  }
}
