/**
 * Watches a stream that arrives in chunks (a child's stdout) for the first appearance of each of
 * several texts, also when a text is split across chunks. Only the last `longest text - 1`
 * characters are kept between chunks, so memory stays small however long the stream.
 */
export class FirstAppearances {
  readonly #texts: readonly string[];
  readonly #carry: number;
  readonly #seen = new Set<string>();
  #window = '';

  /** Watches for `texts` (duplicates count once; an empty text is never reported). */
  constructor(texts: readonly string[]) {
    this.#texts = [...new Set(texts)].filter((text) => text !== '');
    this.#carry = Math.max(0, ...this.#texts.map((text) => text.length - 1));
  }

  /** Feeds the next chunk and returns the texts it completes for the first time, in watch order. */
  push(chunk: string): string[] {
    const window = this.#window + chunk;
    const found = this.#texts.filter((text) => !this.#seen.has(text) && window.includes(text));
    for (const text of found) this.#seen.add(text);
    this.#window = this.#carry === 0 ? '' : window.slice(-this.#carry);
    return found;
  }

  /** Tells whether `text` has appeared. */
  has(text: string): boolean {
    return this.#seen.has(text);
  }
}
