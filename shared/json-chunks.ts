/**
 * Chunks for @streamparser/json (0.0.22), which decodes a multi-byte UTF-8 character split
 * across two chunks, but garbles one split across three or more (a chunk after the split
 * shorter than the character's remaining bytes: seen with 1-byte chunks). Joining every
 * chunk shorter than 4 bytes (the longest UTF-8 sequence) with the next one means a
 * character spans at most two of the chunks the parser sees. Pure.
 */

/** Longest UTF-8 sequence, bytes (RFC 3629). */
const MAX_UTF8_BYTES = 4;

/** Holds back chunks shorter than 4 bytes until they are joined with what follows. */
export class ParserChunks {
  #held: Uint8Array | undefined;

  /** The chunk to write for `chunk` (empty when it was held back). */
  next(chunk: Uint8Array): Uint8Array[] {
    let c = chunk;
    if (this.#held !== undefined) {
      const joined = new Uint8Array(this.#held.length + c.length);
      joined.set(this.#held);
      joined.set(c, this.#held.length);
      c = joined;
      this.#held = undefined;
    }
    if (c.length < MAX_UTF8_BYTES) {
      if (c.length > 0) this.#held = c.slice();
      return [];
    }
    return [c];
  }

  /** What is still held back, at the end of the bytes. */
  rest(): Uint8Array[] {
    const held = this.#held;
    this.#held = undefined;
    return held === undefined ? [] : [held];
  }
}
