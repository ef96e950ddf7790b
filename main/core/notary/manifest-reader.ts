/**
 * Reading a dataset manifest from its decrypted bytes as they arrive, into a packed
 * FileTable, without ever holding its whole text or all its entries as objects.
 *
 * The manifest of 100,000 files is 36 MB of canonical JSON (RFC 8785). Collected, decoded,
 * JSON.parse'd, validated by zod (a second copy of every entry) and re-serialized to check
 * its form, it costs ~230 MB of short-lived heap, which was the peak memory of a retrieval
 * (issue 7). Here the bytes are tokenized as they come (@streamparser/json); each
 * `files[]` entry is validated with the manifest's zod schema and packed into the table,
 * and the other members with the manifest's schema. The canonical form is checked without
 * the text: the canonical pieces made again from what was read (manifestPieces) must have
 * the same SHA-256 as the bytes read (two texts with one SHA-256 are the same text).
 * Accepts exactly what parseManifest accepts, except that any member a manifest does not
 * have, or a member given twice, is reported as not canonical rather than by name.
 */
import { createHash, type Hash } from 'node:crypto';
import { JSONParser } from '@streamparser/json';
import { z } from 'zod';
import { NotariumError } from '../../../shared/errors.ts';
import { ParserChunks } from '../../../shared/json-chunks.ts';
import { manifestFileSchema, manifestPieces, manifestSchema, type Manifest } from '../../../shared/notary/manifest.ts';
import type { ManifestOpener } from '../../../shared/receipt/verify.ts';
import { textSlices } from '../../../shared/text-slices.ts';
import { FileTable } from './file-table.ts';
import { sha256OfPieces } from './hash.ts';

/** A manifest read by ManifestReader: its members, its files packed, and the SHA-256 of its bytes. */
export interface ReadManifest {
  head: Omit<Manifest, 'files'>;
  files: FileTable;
  /** SHA-256 (FIPS 180-4) of the bytes read, 0x-prefixed: the manifest digest (manifestDigest) when they are canonical. */
  digest: string;
}

const headSchema = manifestSchema.omit({ files: true });
const HEAD_KEYS = Object.keys(headSchema.shape);
/** Bytes the tokenizer gathers before decoding a long string into text. */
const STRING_BUFFER_BYTES = 64 * 1024;

function invalid(message: string): NotariumError {
  return new NotariumError('RECEIPT_INVALID', `manifest is invalid: ${message}`);
}

/**
 * Push reader of manifest bytes (UTF-8, any split): `write` each chunk, then `end`.
 * Every chunk is hashed even after a problem was found, so a caller can first compare the
 * digest with the notarized one (an altered manifest is reported as altered, not as
 * malformed) and only then ask `end` for the manifest or its problem.
 */
export class ManifestReader {
  readonly #parser: JSONParser;
  readonly #hash: Hash = createHash('sha256');
  readonly #head = new Map<string, unknown>();
  readonly #chunks = new ParserChunks();
  readonly #files = new FileTable();
  #lastPath: string | undefined;
  #problem: unknown;
  #sawBytes = false;

  constructor() {
    this.#parser = new JSONParser({ paths: [...HEAD_KEYS.map((k) => `$.${k}`), '$.files.*'], keepStack: false, stringBufferSize: STRING_BUFFER_BYTES });
    this.#parser.onValue = ({ value, key, stack }) => {
      if (this.#problem !== undefined) return;
      try {
        if (stack.length === 1 && typeof key === 'string') this.#takeHeadField(key, value);
        else if (stack.length === 2 && stack[1]?.key === 'files' && typeof key === 'number') this.#takeEntry(value, key);
      } catch (e) {
        this.#problem = e;
        // Stops the tokenizer: the rest of the bytes are only hashed.
        throw e;
      }
    };
    this.#parser.onError = (error) => {
      this.#problem ??= new NotariumError('RECEIPT_INVALID', 'manifest is not JSON', { cause: error });
    };
  }

  /** Feeds the next bytes. Never throws: a problem is kept for `end`. */
  write(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    if (chunk.length > 0) this.#sawBytes = true;
    if (this.#problem !== undefined) return;
    try {
      for (const c of this.#chunks.next(chunk)) this.#parser.write(c);
    } catch (e) {
      this.#problem ??= new NotariumError('RECEIPT_INVALID', 'manifest is not JSON', { cause: e });
    }
  }

  /** SHA-256 of the bytes written so far, 0x-prefixed (once: the reader is done after it). */
  digest(): string {
    return `0x${this.#hash.digest('hex')}`;
  }

  /**
   * Declares the end of the bytes and returns the manifest read, after `digest()`.
   * @param digest what `digest()` returned.
   * @throws NotariumError('RECEIPT_INVALID'): not JSON, cut short, schema violations (zod's
   *   report; an entry's index in its path), files not sorted by path or duplicated, text
   *   not in canonical form.
   */
  end(digest: string): ReadManifest {
    if (this.#problem === undefined && !this.#parser.isEnded) {
      try {
        for (const c of this.#chunks.rest()) this.#parser.write(c);
        if (!this.#parser.isEnded) this.#parser.end();
      } catch (e) {
        this.#problem ??= new NotariumError('RECEIPT_INVALID', 'manifest is not JSON', { cause: e });
      }
    }
    if (this.#problem === undefined && !this.#sawBytes) this.#problem = new NotariumError('RECEIPT_INVALID', 'manifest is not JSON');
    if (this.#problem !== undefined) throw this.#problem;
    const head = headSchema.safeParse(Object.fromEntries(this.#head));
    if (!head.success) throw invalid(z.prettifyError(head.error));
    if (this.#files.length === 0) throw invalid(z.prettifyError(z.object({ files: manifestSchema.shape.files }).safeParse({ files: [] }).error as z.ZodError));
    if (sha256OfPieces(manifestPieces({ ...head.data, files: this.#files })) !== digest) throw new NotariumError('RECEIPT_INVALID', 'manifest text is not in RFC 8785 canonical form');
    return { head: head.data, files: this.#files, digest };
  }

  #takeHeadField(key: string, value: unknown): void {
    // Another one would be lost by the table: not canonical either way.
    if (this.#head.has(key)) throw new NotariumError('RECEIPT_INVALID', `manifest has the member "${key}" twice`);
    this.#head.set(key, value);
  }

  #takeEntry(value: unknown, index: number): void {
    const entry = manifestFileSchema.safeParse(value);
    if (!entry.success) throw invalid(z.prettifyError(new z.ZodError(entry.error.issues.map((i) => ({ ...i, path: ['files', index, ...i.path] })))));
    // Strictly increasing paths (code-unit order, as sortFiles): sorted and without duplicates.
    if (this.#lastPath !== undefined && !(this.#lastPath < entry.data.path)) throw new NotariumError('RECEIPT_INVALID', 'manifest files are not sorted by path or contain duplicates');
    this.#lastPath = entry.data.path;
    this.#files.append(entry.data);
  }
}

/**
 * Reads a manifest from `source` (its bytes in order), at most `maxBytes`.
 * @param expectedDigest when given, the bytes must hash to it, checked before anything else is reported.
 * @throws NotariumError('HASH_MISMATCH', details.integrity 'altered') for bytes that do not
 *   hash to `expectedDigest`; ('INVALID_INPUT') over `maxBytes`; as ManifestReader.end.
 */
export async function readManifest(source: AsyncIterable<Uint8Array>, maxBytes: number, expectedDigest?: string): Promise<ReadManifest> {
  const reader = new ManifestReader();
  let n = 0;
  for await (const chunk of source) {
    n += chunk.length;
    if (n > maxBytes) throw new NotariumError('INVALID_INPUT', `The manifest is larger than ${maxBytes} bytes; refusing it.`);
    reader.write(chunk);
  }
  const digest = reader.digest();
  if (expectedDigest !== undefined && digest !== expectedDigest) {
    throw new NotariumError('HASH_MISMATCH', `The manifest fetched from IPFS does not hash to the notarized digest ${expectedDigest}.`, { details: { integrity: 'altered' } });
  }
  return reader.end(digest);
}

/** UTF-16 code units of a manifest text encoded at a time by openManifestPacked. */
const TEXT_SLICE_UNITS = 1 << 16;

/**
 * The ManifestOpener result (shared/receipt/verify.ts) of a manifest whose bytes were all
 * written to `reader`: its digest now, and its files as a FileTable when parsed.
 * Digest and errors as openManifestText.
 */
export function openedManifest(reader: ManifestReader): ReturnType<ManifestOpener> {
  const digest = reader.digest();
  return {
    digest,
    parse: () => {
      const { head, files } = reader.end(digest);
      return { ...head, files: { length: files.length, at: (i: number) => files.leafFile(i) } };
    },
  };
}

/**
 * ManifestOpener (shared/receipt/verify.ts) for the manifest embedded in a receipt: the
 * text is encoded and read in slices by a ManifestReader into a FileTable, never parsed
 * whole (36 MB of text for 100,000 files: ~25 MB packed, against ~150 MB parsed).
 * Digest and errors as openManifestText.
 */
export const openManifestPacked: ManifestOpener = (text) => {
  const reader = new ManifestReader();
  const encoder = new TextEncoder();
  for (const slice of textSlices(text, TEXT_SLICE_UNITS)) reader.write(encoder.encode(slice));
  return openedManifest(reader);
};
