/**
 * `notarium receipt extract`: a receipt excerpt (docs/RECEIPT.md §6) for chosen files of a
 * receipt file, read as a stream.
 *
 * A full receipt grows by about 2 KB per file (mostly the Merkle proof: ⌈log2 n⌉ hashes),
 * ≈ 196 MB for 100,000 files; parsing it whole took 0.6–0.7 GB of memory here, and above
 * ≈ 270,000 files its text exceeds the longest string V8 can hold. The file is tokenized
 * as it is read (@streamparser/json): only the signed fields and the wanted files' entries
 * are kept (plus the manifest string while the tokenizer passes it: 36 MB at 100,000
 * files), so 100,000 files took ≈ 0.2 GB peak RSS, most of it the runtime, and reading
 * stops as soon as everything wanted was found. No Merkle tree is built: each entry's
 * proof is copied and checked against the root (shared/receipt/excerpt.ts).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { JSONParser } from '@streamparser/json';
import { NotariumError } from '../../../shared/errors.ts';
import {
  assembleExcerpt,
  notInReceipt,
  RECEIPT_EXCERPT_KIND,
  RECEIPT_EXCERPT_VERSION,
  RECEIPT_FORMAT,
  RECEIPT_VERSION,
  receiptFileSchema,
  sameFileName,
  serializeReceipt,
  type ReceiptExcerpt,
  type ReceiptFile,
  type ReceiptStatement,
} from '../../../shared/receipt/index.ts';
import { writeFileAtomic } from '../fs/durable-files.ts';
import { assertOutputFileFree } from '../fs/output-file.ts';

/** Top-level fields an excerpt takes from its source (plus format, version, kind to check it). */
const STATEMENT_KEYS = ['network', 'contract', 'root', 'title', 'authors', 'supersedes', 'manifestDigest', 'storage', 'anchor'] as const;
const HEADER_KEYS: readonly string[] = ['format', 'version', 'kind', ...STATEMENT_KEYS];
const READ_CHUNK_BYTES = 1 << 20;
/** Suggestions kept per missing path. */
const MAX_SIMILAR = 5;

/** Default output of extractReceiptExcerpt: `<file name>.notarium-excerpt.json`. */
export const EXCERPT_EXTENSION = '.notarium-excerpt.json';

/**
 * Reads the receipt (full, version 1, or an excerpt, version 2) at `receiptFile` as a
 * stream and returns the excerpt for the files at `paths` (paths inside the dataset, as
 * the receipt lists them), in that order.
 *
 * @throws NotariumError('NOT_FOUND') for a missing receipt file or a path the receipt does
 *   not list (with receipt paths of the same file name as hints); ('INVALID_INPUT') for no
 *   path, a path given twice, or a folder as receipt; ('RECEIPT_INVALID') for a file that is
 *   not JSON, not a receipt, of an unknown version or with malformed fields;
 *   ('PROOF_INVALID') when an entry's proof does not lead to the root (damaged receipt).
 */
export async function readReceiptExcerpt(receiptFile: string, paths: readonly string[]): Promise<ReceiptExcerpt> {
  if (paths.length === 0) throw new NotariumError('INVALID_INPUT', 'Name at least one file of the dataset to extract.');
  const wanted = new Set(paths);
  if (wanted.size !== paths.length) throw new NotariumError('INVALID_INPUT', 'A file is named twice.');

  const header = new Map<string, unknown>();
  const found = new Map<string, ReceiptFile>();
  const similar = new Map<string, string[]>(paths.map((p) => [p, []]));
  let problem: NotariumError | undefined;

  const parser = new JSONParser({ paths: [...HEADER_KEYS.map((k) => `$.${k}`), '$.files.*'], keepStack: false, stringBufferSize: 64 * 1024 });
  parser.onValue = ({ value, key, stack }) => {
    if (problem !== undefined) return;
    if (stack.length === 1 && typeof key === 'string') {
      if (header.has(key)) problem = new NotariumError('RECEIPT_INVALID', `The receipt has the field "${key}" twice.`);
      header.set(key, value);
      if (key === 'format' || key === 'version' || key === 'kind') problem = checkKind(header);
    } else if (stack.length === 2) {
      const entry = value as { path?: unknown };
      const entryPath = typeof entry === 'object' && entry !== null && typeof entry.path === 'string' ? entry.path : undefined;
      if (entryPath === undefined) return;
      if (wanted.has(entryPath)) {
        if (found.has(entryPath)) problem = new NotariumError('RECEIPT_INVALID', `The receipt lists ${entryPath} twice.`);
        const parsed = receiptFileSchema.safeParse(value);
        if (!parsed.success) problem = new NotariumError('RECEIPT_INVALID', `The receipt's entry of ${entryPath} is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
        else found.set(entryPath, parsed.data);
        return;
      }
      for (const [p, list] of similar) if (list.length < MAX_SIMILAR && !found.has(p) && sameFileName(p, entryPath)) list.push(entryPath);
    }
  };
  parser.onError = (error) => {
    problem ??= new NotariumError('RECEIPT_INVALID', `The receipt is not valid JSON: ${error.message}`, { cause: error });
  };

  const stream = createReadStream(receiptFile, { highWaterMark: READ_CHUNK_BYTES });
  try {
    let complete = false;
    for await (const chunk of stream) {
      parser.write(chunk as Buffer);
      if (problem !== undefined) throw problem;
      // Everything wanted is in hand: the rest of the file cannot change the excerpt.
      complete = found.size === wanted.size && HEADER_KEYS.every((k) => header.has(k) || (k === 'kind' && header.get('version') === RECEIPT_VERSION));
      if (complete) break;
    }
    // A truncated file: end() reports it through onError.
    if (!complete && !parser.isEnded) parser.end();
  } catch (error) {
    throw readError(error, receiptFile, problem);
  } finally {
    stream.destroy();
  }
  if (problem !== undefined) throw problem;

  if (!header.has('format')) throw notAReceipt();
  const kindProblem = checkKind(header);
  if (kindProblem !== undefined) throw kindProblem;
  const missingHeader = HEADER_KEYS.find((k) => !header.has(k) && (k !== 'kind' || header.get('version') !== RECEIPT_VERSION));
  if (missingHeader !== undefined) throw new NotariumError('RECEIPT_INVALID', `The receipt has no "${missingHeader}" field.`);
  const missing = paths.find((p) => !found.has(p));
  if (missing !== undefined) throw notInReceipt(missing, similar.get(missing) ?? []);
  const statement = Object.fromEntries(STATEMENT_KEYS.map((k) => [k, header.get(k)])) as ReceiptStatement;
  return assembleExcerpt(statement, paths.map((p) => found.get(p) as ReceiptFile));
}

/** Options of extractReceiptExcerpt. */
export interface ExtractExcerptOptions {
  /** Where to write the excerpt; default `<cwd>/<first file's name>.notarium-excerpt.json`, never replacing a file. */
  out?: string;
  /** Replace an existing file at `out` (default: refused, output-file.ts). */
  replace?: boolean;
  /** Base of relative paths; default process.cwd(). */
  cwd?: string;
}

/** What extractReceiptExcerpt wrote. */
export interface ExtractExcerptResult {
  /** Absolute path of the excerpt file. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  root: string;
  /** The dataset paths it proves. */
  files: string[];
}

/**
 * Writes the excerpt of `receiptFile` for `paths` (see readReceiptExcerpt) to a file,
 * atomically.
 * @throws as readReceiptExcerpt; NotariumError('INVALID_INPUT') when the output folder
 *   does not exist, or for a folder at `out` or an existing file without `replace`.
 */
export async function extractReceiptExcerpt(receiptFile: string, paths: readonly string[], options: ExtractExcerptOptions = {}): Promise<ExtractExcerptResult> {
  const cwd = options.cwd ?? process.cwd();
  const source = path.resolve(cwd, receiptFile);
  const excerpt = await readReceiptExcerpt(source, paths);
  const target = options.out !== undefined ? path.resolve(cwd, options.out) : await freeExcerptPath(path.join(cwd, `${path.posix.basename(paths[0] as string)}${EXCERPT_EXTENSION}`));
  const folder = await stat(path.dirname(target)).catch(() => null);
  if (folder === null || !folder.isDirectory()) throw new NotariumError('INVALID_INPUT', `The folder ${path.dirname(target)} does not exist.`);
  if (options.out !== undefined) await assertOutputFileFree(target, options.replace === true);
  const bytes = new TextEncoder().encode(serializeReceipt(excerpt));
  await writeFileAtomic(target, bytes, 'fsync');
  return { path: target, bytes: bytes.length, root: excerpt.root, files: excerpt.files.map((f) => f.path) };
}

function notAReceipt(): NotariumError {
  return new NotariumError('RECEIPT_INVALID', `This is not a Notarium receipt (expected "format": "${RECEIPT_FORMAT}").`);
}

/** A problem with format, version or kind as far as they are known, else undefined. */
function checkKind(header: ReadonlyMap<string, unknown>): NotariumError | undefined {
  if (header.has('format') && header.get('format') !== RECEIPT_FORMAT) return notAReceipt();
  if (!header.has('version')) return undefined;
  const version = header.get('version');
  if (version === RECEIPT_VERSION) {
    return header.has('kind') ? new NotariumError('RECEIPT_INVALID', `A version ${RECEIPT_VERSION} receipt has no "kind" field.`) : undefined;
  }
  if (version !== RECEIPT_EXCERPT_VERSION) {
    return new NotariumError('RECEIPT_INVALID', `Unsupported receipt version ${String(version)}; this Notarium reads version ${RECEIPT_VERSION} (full receipt) and ${RECEIPT_EXCERPT_VERSION} (receipt excerpt).`);
  }
  if (header.has('kind') && header.get('kind') !== RECEIPT_EXCERPT_KIND) {
    return new NotariumError('RECEIPT_INVALID', `Unknown receipt kind ${JSON.stringify(header.get('kind'))}; this Notarium reads "${RECEIPT_EXCERPT_KIND}".`);
  }
  return undefined;
}

/**
 * The error to report for a failed read of the receipt `file`: `problem` when the receipt's
 * content was found wrong, a NotariumError as thrown, else by errno: NOT_FOUND (ENOENT),
 * INVALID_INPUT (EISDIR: a folder), RECEIPT_INVALID (any other read error).
 */
export function readError(error: unknown, file: string, problem: NotariumError | undefined): NotariumError {
  if (problem !== undefined) return problem;
  if (error instanceof NotariumError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new NotariumError('NOT_FOUND', `Receipt not found: ${file}`, { cause: error });
  if (code === 'EISDIR') return new NotariumError('INVALID_INPUT', `${file} is a folder: give the receipt's JSON file.`, { cause: error });
  return new NotariumError('RECEIPT_INVALID', `Cannot read the receipt ${file}: ${(error as Error).message}`, { cause: error });
}

async function freeExcerptPath(file: string): Promise<string> {
  const base = file.slice(0, -EXCERPT_EXTENSION.length);
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? file : `${base}-${i}${EXCERPT_EXTENSION}`;
    if (!(await stat(candidate).then(() => true, () => false))) return candidate;
  }
}
