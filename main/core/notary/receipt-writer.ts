/**
 * Writes a receipt file without ever holding its whole text: for a dataset of 100,000
 * files the receipt is ~200 MB (docs/RECEIPT.md §7), and building it as one string (plus
 * its UTF-8 copy and every proof at once) took gigabytes. The output is byte-identical to
 * `serializeReceipt` (JSON.stringify with 2-space indentation, then a newline): the head
 * fields are stringified as usual, except the embedded manifest (~36 MB for 100,000 files),
 * whose JSON string is escaped slice by slice, and each `files[]` entry is stringified on
 * its own, its proof fetched from the Merkle tree only when the entry is written.
 *
 * The same streamed writing serves other JSON documents that embed the manifest text
 * (the anchoring record, see writeJsonFileAtomic).
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import type { Receipt, ReceiptFile } from '../../../shared/receipt/index.ts';
import { FILE_MODE } from '../fs/durable-files.ts';
import { collectEvery } from '../heap.ts';
import { textSlices } from '../../../shared/text-slices.ts';

/** Bytes gathered before each write: one buffer, reused. */
const WRITE_BATCH_BYTES = 1 << 20;

/**
 * UTF-16 code units of a large string escaped at a time: small enough that each escaped
 * slice is an ordinary short-lived heap string (V8 puts strings over ~128 KiB in its large
 * object space, freed only by a full collection).
 */
const STRING_SLICE_UNITS = 1 << 15;

/**
 * A placeholder string no document value can equal by accident: U+0000 (which JSON
 * escapes, so it cannot come from the text around it) and a random token.
 */
function placeholder(name: string): string {
  return `\u0000${name}-${randomBytes(12).toString('hex')}\u0000`;
}

/**
 * A string value to write in slices: JSON.stringify(value) written piece by piece.
 * Place one in a document with {@link jsonPieces}. The string is given whole, or as a
 * function yielding its pieces in order (e.g. the canonical manifest made from a packed
 * file table, shared/notary/manifest.ts manifestPieces), so it need never exist whole.
 */
export class LargeString {
  readonly #source: string | (() => Iterable<string>);
  /** @param source the string, or a function yielding its pieces (none may end between the halves of a surrogate pair). */
  constructor(source: string | (() => Iterable<string>)) {
    this.#source = source;
  }

  /** The string's pieces, in order (the string itself when given whole). */
  pieces(): Iterable<string> {
    return typeof this.#source === 'string' ? [this.#source] : this.#source();
  }

  /** The whole string (joined from its pieces when it was given in pieces). */
  toString(): string {
    return typeof this.#source === 'string' ? this.#source : [...this.#source()].join('');
  }
}

/** `text` as a LargeString (itself when it is one). */
export function asLargeString(text: string | LargeString): LargeString {
  return text instanceof LargeString ? text : new LargeString(text);
}

/**
 * The JSON text of `text` (exactly JSON.stringify(text)) in pieces of about 32 Ki code
 * units. A slice never ends between the two halves of a surrogate pair, which
 * JSON.stringify would escape one by one (well-formed JSON.stringify, ES2019).
 * @param text the string, or its pieces in order (none ending inside a surrogate pair).
 */
export function* jsonStringPieces(text: string | Iterable<string>): Generator<string> {
  yield '"';
  for (const slice of textSlices(text, STRING_SLICE_UNITS)) yield JSON.stringify(slice).slice(1, -1);
  yield '"';
}

/**
 * The pieces of JSON.stringify(value, null, 2), where every {@link LargeString} in `value`
 * is escaped slice by slice (jsonStringPieces) instead of inside one big string.
 * Concatenated, the pieces are exactly JSON.stringify of `value` with each LargeString
 * replaced by its string.
 */
export function* jsonPieces(value: unknown): Generator<string> {
  const large: LargeString[] = [];
  const marks: string[] = [];
  const marked = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof LargeString)) return v;
    large.push(v);
    marks.push(placeholder('large'));
    return marks.at(-1);
  }, 2);
  let from = 0;
  for (let i = 0; i < large.length; i++) {
    const mark = JSON.stringify(marks[i]);
    const at = marked.indexOf(mark, from);
    yield marked.slice(from, at);
    yield* jsonStringPieces((large[i] as LargeString).pieces());
    from = at + mark.length;
  }
  yield marked.slice(from);
}

/**
 * Bytes written between two full GCs (heap.ts collectEvery) while a large text is
 * written: the 200 MB receipt of 100,000 files makes a string per piece and per proof
 * node, and V8 otherwise let the heap grow 45 → 75 MiB between major GCs at the end of a
 * job whose peak memory this sets. A text under this size is never collected.
 */
const WRITE_GC_BYTES = 16 * 1024 * 1024;

/**
 * Writes `pieces` (UTF-8) to `file` atomically: temporary file, fdatasync, rename; a full
 * GC after every 16 MiB written (WRITE_GC_BYTES).
 * @returns the SHA-256 (0x-hex) of the bytes written and their length.
 * @throws the fs error (ENOSPC...); the temporary file is removed then.
 */
export async function writeTextFileAtomic(file: string, pieces: Iterable<string>): Promise<{ sha256: string; bytes: number }> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(temp, 'wx', FILE_MODE);
  try {
    // Each piece is encoded into one reused buffer as soon as it comes, so pieces die young
    // instead of waiting in a list (a 200 MB receipt would otherwise fill V8's old space).
    const buffer = Buffer.allocUnsafe(WRITE_BATCH_BYTES);
    let fill = 0;
    const written = collectEvery(WRITE_GC_BYTES);
    const write = async (chunk: Uint8Array): Promise<void> => {
      hash.update(chunk);
      bytes += chunk.length;
      await handle.write(chunk);
      written(chunk.length);
    };
    for (const s of pieces) {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      if (fill + 3 * s.length > buffer.length) {
        if (fill > 0) await write(buffer.subarray(0, fill));
        fill = 0;
        if (3 * s.length > buffer.length) {
          await write(Buffer.from(s, 'utf8'));
          continue;
        }
      }
      fill += buffer.write(s, fill, 'utf8');
    }
    if (fill > 0) await write(buffer.subarray(0, fill));
    await handle.datasync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return { sha256: `0x${hash.digest('hex')}`, bytes };
}

/**
 * Writes JSON.stringify(value, null, 2) plus a newline to `file` atomically (as
 * writeTextFileAtomic), escaping each {@link LargeString} in `value` slice by slice, so a
 * document embedding a 36 MB manifest never exists as one string or buffer.
 * @throws the fs error; the temporary file is removed then.
 */
export async function writeJsonFileAtomic(file: string, value: unknown): Promise<{ sha256: string; bytes: number }> {
  return writeTextFileAtomic(file, (function* () {
    yield* jsonPieces(value);
    yield '\n';
  })());
}

/**
 * Writes `head` (a receipt without its files) with `count` file entries from `fileAt(i)`
 * (called in order, one at a time) to `file`, atomically (temporary file, fdatasync,
 * rename), and returns the SHA-256 of the bytes written (0x-hex) and their length.
 *
 * @throws the fs error (ENOSPC...), or fileAt's; the temporary file is removed then.
 */
export async function writeReceiptFile(file: string, head: ReceiptHead, count: number, fileAt: (index: number) => ReceiptFile): Promise<{ sha256: string; bytes: number }> {
  return writeTextFileAtomic(file, receiptPieces(head, count, fileAt));
}

/** A receipt without its files, whose manifest text may come in pieces (LargeString). */
export type ReceiptHead = Omit<Receipt, 'files' | 'manifest'> & { manifest: string | LargeString };

function* receiptPieces(head: ReceiptHead, count: number, fileAt: (index: number) => ReceiptFile): Generator<string> {
  const filesMark = placeholder('files');
  // `files` is the last member: its mark is in the last piece, after the manifest.
  let last: string | undefined;
  for (const piece of jsonPieces({ ...head, manifest: asLargeString(head.manifest), files: count === 0 ? [] : [filesMark] })) {
    if (last !== undefined) yield last;
    last = piece;
  }
  const tail = last as string;
  if (count > 0) {
    const quoted = JSON.stringify(filesMark);
    const at = tail.lastIndexOf(quoted);
    yield tail.slice(0, at);
    for (let i = 0; i < count; i++) {
      // Entries sit at depth 2 in the document: their own lines get 4 more spaces.
      const entry = JSON.stringify(fileAt(i), null, 2).replaceAll('\n', '\n    ');
      yield i === 0 ? entry : `,\n    ${entry}`;
    }
    yield tail.slice(at + quoted.length);
  } else {
    yield tail;
  }
  yield '\n';
}
