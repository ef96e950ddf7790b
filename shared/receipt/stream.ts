/**
 * Reading a receipt (full, version 1, or excerpt, version 2) from its bytes in chunks,
 * without ever holding its whole text or every file entry at once.
 *
 * A full receipt grows by about 2 KB per file (docs/RECEIPT.md §7): 196 MB for 100,000
 * files, which JSON.parse and a zod parse of the whole tree turned into ~2 GB of objects.
 * Here the bytes are tokenized as they come (@streamparser/json): the head fields (all
 * but `files`, the manifest string included) are kept, and each `files[]` entry is
 * validated with the receipt's zod schema and handed to the caller as soon as it is
 * complete, then dropped. Accepts exactly what parseAnyReceipt accepts, except that a
 * top-level field given twice is refused (JSON.parse would keep the last).
 */
import { JSONParser, TokenType } from '@streamparser/json';
import { z } from 'zod';
import { NotariumError } from '../errors.ts';
import { ParserChunks, StringDiverter, type StringBytesSink } from '../json-chunks.ts';
import {
  RECEIPT_EXCERPT_KIND,
  RECEIPT_EXCERPT_VERSION,
  RECEIPT_FORMAT,
  RECEIPT_VERSION,
  receiptExcerptSchema,
  receiptFileSchema,
  receiptSchema,
  type Receipt,
  type ReceiptExcerpt,
  type ReceiptFile,
} from './schema.ts';
import { malformed, notAReceipt, unknownExcerptKind, unsupportedVersion } from './parse.ts';

/** A full receipt without its file entries. */
export type ReceiptHead = Omit<Receipt, 'files'>;
/** A receipt excerpt without its file entries. */
export type ReceiptExcerptHead = Omit<ReceiptExcerpt, 'files'>;
/** The head of either kind: every field but `files`. */
export type AnyReceiptHead = ReceiptHead | ReceiptExcerptHead;

/** What ReceiptStreamReader hands over, in document order. */
export interface ReceiptSink {
  /** The validated head, once, before the first entry (or at the end when `files` comes before a head field). */
  head(head: AnyReceiptHead): void;
  /** Each validated `files[]` entry with its index, in order. May throw: reading stops with that error. */
  file(entry: ReceiptFile, index: number): void;
  /**
   * When given, the manifest's text (a full receipt's `manifest` string) is not built: its
   * UTF-8 bytes, escapes decoded, go to the sink this returns as they are read, before the
   * head, whose `manifest` is then MANIFEST_STREAMED. (If the installed parser cannot
   * divert a string, this is never called and the head has the text, as without it.)
   */
  manifest?(): StringBytesSink;
}

/** The head's `manifest` when its text went to ReceiptSink.manifest instead. */
export const MANIFEST_STREAMED = '(the manifest text was streamed to ReceiptSink.manifest)';

const HEAD_KEYS = ['format', 'version', 'kind', 'network', 'contract', 'root', 'title', 'authors', 'supersedes', 'manifestDigest', 'manifest', 'storage', 'anchor'] as const;
const receiptHeadSchema = receiptSchema.omit({ files: true });
const excerptHeadSchema = receiptExcerptSchema.omit({ files: true });
/** Bytes the tokenizer gathers before decoding a long string (the manifest) into text. */
const STRING_BUFFER_BYTES = 64 * 1024;

/**
 * Push parser of receipt bytes: `write` each chunk (any split, UTF-8), then `end`.
 * Calls `sink.head` then `sink.file` for each entry as the bytes arrive.
 *
 * Errors (thrown by `write`, `end`, or rethrown from the sink): NotariumError('RECEIPT_INVALID')
 * for bytes that are not JSON, another format, an unsupported version or excerpt kind, a
 * field given twice, or schema violations (zod's report, with the entry's index). After
 * an error the reader is done: further calls throw it again.
 */
export class ReceiptStreamReader {
  readonly #sink: ReceiptSink;
  readonly #parser: JSONParser;
  readonly #head = new Map<string, unknown>();
  readonly #chunks = new ParserChunks();
  /**
   * The top-level keys, watched on the token stream: the parser only builds the selected
   * paths, so a field that is not a receipt's, or `files` that is not an array, shows
   * only there. Nesting depth, whether the next depth-1 string is a key, and what
   * `files` holds: undefined until its key, then the token that opened its value.
   */
  #depth = 0;
  #rootIsObject = false;
  #keyNext = false;
  #filesKey = false;
  #filesToken: TokenType | undefined;
  #sawToken = false;
  /** The last top-level key read (a COLON follows it). */
  #topKeyName: string | undefined;
  /** Set when the sink takes the manifest's bytes (ReceiptSink.manifest) and the parser lets a diverter in. */
  readonly #manifestDivert: { diverter: StringDiverter; open: () => StringBytesSink } | null = null;
  #headSent = false;
  /** Once the head is sent: its version and field names. */
  #version = 0;
  #sentKeys = new Set<string>();
  /** Entries that came before a head field (not in files Notarium writes): held until the head is complete. */
  #early: ReceiptFile[] = [];
  #count = 0;
  #problem: unknown;
  #ended = false;

  constructor(sink: ReceiptSink) {
    this.#sink = sink;
    this.#parser = new JSONParser({ paths: [...HEAD_KEYS.map((k) => `$.${k}`), '$.files.*'], keepStack: false, stringBufferSize: STRING_BUFFER_BYTES });
    const openManifest = sink.manifest;
    const diverter = openManifest === undefined ? null : StringDiverter.install(this.#parser, MANIFEST_STREAMED);
    if (openManifest !== undefined && diverter !== null) this.#manifestDivert = { diverter, open: () => openManifest.call(sink) };
    // Errors of ours (and the sink's) are recorded before the parser reports them as its own.
    this.#parser.onToken = ({ token, value }) => {
      try {
        this.#watch(token, value);
      } catch (e) {
        this.#problem ??= e;
        throw e;
      }
    };
    this.#parser.onValue = ({ value, key, stack }) => {
      try {
        if (stack.length === 1 && typeof key === 'string') this.#takeHeadField(key, value);
        else if (stack.length === 2 && stack[1]?.key === 'files' && this.#filesToken === TokenType.LEFT_BRACKET) this.#takeEntry(value);
      } catch (e) {
        this.#problem ??= e;
        throw e;
      }
    };
    // The parser's own errors are syntax errors; at the end of the bytes, a document cut short.
    this.#parser.onError = (error) => {
      this.#problem ??= this.#ended
        ? new NotariumError('RECEIPT_INVALID', 'The receipt is cut short: its bytes end before its JSON does (an incomplete copy or download?).', { cause: error })
        : new NotariumError('RECEIPT_INVALID', 'The receipt is not valid JSON.', { cause: error });
    };
  }

  /** Feeds the next bytes. @throws as the class says. */
  write(chunk: Uint8Array): void {
    this.#check();
    if (this.#ended) throw new NotariumError('RECEIPT_INVALID', 'The receipt is not valid JSON.');
    for (const c of this.#chunks.next(chunk)) this.#parser.write(c);
    this.#check();
  }

  /**
   * Declares the end of the bytes: checks the document is complete and the receipt whole
   * (head, at least one entry, no unknown field).
   * @returns the receipt's version (1: full receipt, 2: excerpt) and its number of entries.
   * @throws as the class says.
   */
  end(): { version: number; files: number } {
    this.#check();
    for (const c of this.#chunks.rest()) this.#parser.write(c);
    this.#check();
    // The tokenizer ends by itself after the top-level value; otherwise the text is cut short.
    this.#ended = true;
    if (!this.#parser.isEnded) this.#parser.end();
    this.#check();
    // No token at all (empty or blank text): not JSON, as JSON.parse says.
    if (!this.#sawToken) throw new NotariumError('RECEIPT_INVALID', 'The receipt is not valid JSON.');
    if (!this.#headSent) this.#sendHead();
    this.#check();
    const version = this.#version;
    if (this.#count === 0) {
      const schema = version === RECEIPT_EXCERPT_VERSION ? receiptExcerptSchema : receiptSchema;
      throw malformed(z.object({ files: schema.shape.files }).safeParse({ files: this.#filesKey ? [] : undefined }).error, version);
    }
    return { version, files: this.#count };
  }

  /** Follows the top-level keys on the token stream (see #depth); throws for one a receipt cannot have. */
  #watch(token: TokenType, value: unknown): void {
    this.#sawToken = true;
    // The value of the top-level "manifest" starts right after its colon: only a string there is diverted.
    const divert = this.#manifestDivert;
    if (divert !== null) {
      if (token === TokenType.COLON && this.#depth === 1 && this.#topKeyName === 'manifest') divert.diverter.arm(divert.open);
      else divert.diverter.disarm();
    }
    if (this.#depth === 1 && this.#rootIsObject && this.#filesKey && this.#filesToken === undefined && token !== TokenType.COLON) {
      this.#filesToken = token;
      if (token !== TokenType.LEFT_BRACKET) throw malformedAt(['files'], `Invalid input: expected array, received ${tokenKind(token)}`, undefined, this.#currentVersion());
    }
    switch (token) {
      case TokenType.LEFT_BRACE:
      case TokenType.LEFT_BRACKET:
        this.#depth += 1;
        if (this.#depth === 1) {
          this.#rootIsObject = token === TokenType.LEFT_BRACE;
          this.#keyNext = this.#rootIsObject;
        }
        break;
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        this.#depth -= 1;
        break;
      case TokenType.COMMA:
        if (this.#depth === 1) this.#keyNext = this.#rootIsObject;
        break;
      case TokenType.STRING:
        if (this.#depth === 1 && this.#keyNext) {
          this.#keyNext = false;
          this.#topKey(value as string);
        }
        break;
      default:
    }
  }

  #topKey(key: string): void {
    this.#topKeyName = key;
    if (key === 'files') {
      if (this.#filesKey) throw new NotariumError('RECEIPT_INVALID', 'The receipt has the field "files" twice.');
      this.#filesKey = true;
    } else if (!(HEAD_KEYS as readonly string[]).includes(key)) {
      throw malformedAt([], `Unrecognized key: ${JSON.stringify(key)}`, undefined, this.#currentVersion());
    }
  }

  /** The version read so far (for messages). */
  #currentVersion(): unknown {
    return this.#headSent ? this.#version : this.#head.get('version');
  }

  #check(): void {
    if (this.#problem !== undefined) throw this.#problem;
  }

  #takeHeadField(key: string, value: unknown): void {
    if (this.#head.has(key)) throw new NotariumError('RECEIPT_INVALID', `The receipt has the field "${key}" twice.`);
    // The head was complete before the entries, so a field after them is either a second one
    // or one this version must not have (kind in a full receipt, manifest in an excerpt).
    if (this.#headSent) {
      if (this.#sentKeys.has(key)) throw new NotariumError('RECEIPT_INVALID', `The receipt has the field "${key}" twice.`);
      throw malformedAt([], `Unrecognized key: ${JSON.stringify(key)}`, undefined, this.#version);
    }
    this.#head.set(key, value);
    if (key === 'format' && value !== RECEIPT_FORMAT) throw notAReceipt();
    if (key === 'version' && value !== RECEIPT_VERSION && value !== RECEIPT_EXCERPT_VERSION) throw unsupportedVersion(value);
    if ((key === 'version' || key === 'kind') && this.#head.get('version') === RECEIPT_EXCERPT_VERSION && this.#head.has('kind') && this.#head.get('kind') !== RECEIPT_EXCERPT_KIND) {
      throw unknownExcerptKind(this.#head.get('kind'));
    }
  }

  #takeEntry(value: unknown): void {
    const index = this.#count;
    const parsed = receiptFileSchema.safeParse(value);
    if (!parsed.success) throw malformedAt(['files', index], undefined, parsed.error, this.#currentVersion());
    this.#count += 1;
    if (!this.#headSent) {
      const version = this.#head.get('version');
      const complete = HEAD_KEYS.every((k) => this.#head.has(k) || (k === 'kind' && version === RECEIPT_VERSION) || (k === 'manifest' && version === RECEIPT_EXCERPT_VERSION));
      if (!complete) {
        this.#early.push(parsed.data);
        return;
      }
      this.#sendHead();
    }
    this.#sink.file(parsed.data, index);
  }

  /**
   * Validates the head, hands it and any held entries over, and lets go of it (the manifest
   * text is the receipt's largest string): only its version and keys are kept.
   */
  #sendHead(): void {
    if (!this.#head.has('format')) throw notAReceipt();
    const version = this.#head.get('version');
    if (version === RECEIPT_EXCERPT_VERSION && this.#head.get('kind') !== RECEIPT_EXCERPT_KIND) throw unknownExcerptKind(this.#head.get('kind'));
    if (version !== RECEIPT_VERSION && version !== RECEIPT_EXCERPT_VERSION) throw unsupportedVersion(version);
    const raw = Object.fromEntries(this.#head);
    const parsed = version === RECEIPT_VERSION ? receiptHeadSchema.safeParse(raw) : excerptHeadSchema.safeParse(raw);
    if (!parsed.success) throw malformed(parsed.error, version);
    this.#headSent = true;
    this.#version = version as number;
    this.#sentKeys = new Set(this.#head.keys());
    this.#head.clear();
    this.#sink.head(parsed.data);
    const early = this.#early;
    this.#early = [];
    early.forEach((entry, i) => this.#sink.file(entry, i));
  }
}

/** RECEIPT_INVALID for a schema error at `path` (an entry: its issues are re-rooted there). */
function malformedAt(path: (string | number)[], message?: string, error?: z.ZodError, version?: unknown): NotariumError {
  const issues = error?.issues.map((i) => ({ ...i, path: [...path, ...i.path] })) ?? [{ code: 'custom' as const, message: message ?? 'invalid', path, input: undefined }];
  return malformed(new z.ZodError(issues), version);
}

/** The JSON type a value starting with `token` has, in zod's words. */
function tokenKind(token: TokenType): string {
  if (token === TokenType.LEFT_BRACE) return 'object';
  if (token === TokenType.STRING) return 'string';
  if (token === TokenType.NUMBER) return 'number';
  if (token === TokenType.TRUE || token === TokenType.FALSE) return 'boolean';
  return 'null';
}
