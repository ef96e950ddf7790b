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

/** Where a diverted string's bytes go (StringDiverter). */
export interface StringBytesSink {
  /** The next bytes of the string's value: UTF-8, escapes already decoded. The array is reused after the call. */
  write(bytes: Uint8Array): void;
}

/** The string buffer of @streamparser/json's tokenizer (its `bufferedString`, utils/bufferedString.js). */
interface TokenizerString {
  byteLength: number;
  appendChar(char: number): void;
  appendBuf(buf: Uint8Array, start?: number, end?: number): void;
  reset(): void;
  toString(): string;
}

/** Bytes of a diverted string gathered before they are written to the sink. */
const DIVERT_BUFFER_BYTES = 64 * 1024;

/**
 * Hands the value of one JSON string to a sink as the tokenizer reads it, instead of
 * letting @streamparser/json (0.0.22) build it: the manifest embedded in a receipt is a
 * string of 36 MB for 100,000 files, which the tokenizer would build as a rope and the
 * reader then flatten to read it (≈ 70 MB of heap at once; issue 7). The library has no
 * option for this: the diverter takes the place of its tokenizer's string buffer (a
 * private member, `bufferedString`), passes every other string through to it, and
 * diverts the next string once `arm` was called. `install` checks that member's shape
 * and returns null when it is not there (another version of the library): the caller
 * then reads the string as before. Pure.
 */
export class StringDiverter implements TokenizerString {
  readonly #inner: TokenizerString;
  readonly #buffer = new Uint8Array(DIVERT_BUFFER_BYTES);
  #used = 0;
  #armed: (() => StringBytesSink) | undefined;
  /** The sink of the string being read, while it is diverted. */
  #sink: StringBytesSink | undefined;
  /** The last string read was diverted (its byteLength is #divertedBytes). */
  #diverted = false;
  #divertedBytes = 0;
  /** What the tokenizer reads as the diverted string's value. */
  readonly #placeholder: string;

  private constructor(inner: TokenizerString, placeholder: string) {
    this.#inner = inner;
    this.#placeholder = placeholder;
  }

  /**
   * Puts a diverter in place of `parser`'s tokenizer string buffer.
   * @param parser a JSONParser of @streamparser/json, before its first write.
   * @param placeholder the value the parser then gives for a diverted string.
   * @returns the diverter, or null when the parser has no such buffer (the library changed).
   */
  static install(parser: object, placeholder: string): StringDiverter | null {
    const tokenizer = (parser as { tokenizer?: { bufferedString?: Partial<TokenizerString> } }).tokenizer;
    const inner = tokenizer?.bufferedString;
    if (inner === undefined || typeof inner.appendChar !== 'function' || typeof inner.appendBuf !== 'function' || typeof inner.reset !== 'function' || typeof inner.byteLength !== 'number') return null;
    const diverter = new StringDiverter(inner as TokenizerString, placeholder);
    (tokenizer as { bufferedString: TokenizerString }).bufferedString = diverter;
    return diverter;
  }

  /** Diverts the string that starts next (if the next token is a string) to the sink `open` returns then. */
  arm(open: () => StringBytesSink): void {
    this.#armed = open;
  }

  /** Forgets `arm`: called for every token, so only a string right after it is diverted. */
  disarm(): void {
    this.#armed = undefined;
  }

  get byteLength(): number {
    return this.#diverted ? this.#divertedBytes : this.#inner.byteLength;
  }

  reset(): void {
    this.#inner.reset();
    this.#divertedBytes = 0;
    this.#used = 0;
    this.#sink = this.#armed?.();
    this.#diverted = this.#sink !== undefined;
    this.#armed = undefined;
  }

  appendChar(char: number): void {
    if (this.#sink === undefined) return this.#inner.appendChar(char);
    if (this.#used === this.#buffer.length) this.#flush();
    this.#buffer[this.#used++] = char;
    this.#divertedBytes += 1;
  }

  appendBuf(buf: Uint8Array, start = 0, end = buf.length): void {
    if (this.#sink === undefined) return this.#inner.appendBuf(buf, start, end);
    this.#divertedBytes += end - start;
    if (end - start >= this.#buffer.length - this.#used) {
      this.#flush();
      (this.#sink as StringBytesSink).write(buf.subarray(start, end));
      return;
    }
    this.#buffer.set(buf.subarray(start, end), this.#used);
    this.#used += end - start;
  }

  toString(): string {
    if (this.#sink === undefined) return this.#inner.toString();
    this.#flush();
    // The string ends here (a closing quote): what follows is read as before.
    this.#sink = undefined;
    return this.#placeholder;
  }

  #flush(): void {
    if (this.#used > 0) (this.#sink as StringBytesSink).write(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }
}
