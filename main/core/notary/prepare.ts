/**
 * Step 1 of notarization: for every file, stream it once through SHA-256 and age
 * encryption into IPFS (header and payload as separate objects, both pinned), then build
 * the canonical manifest, store it encrypted, and compute the Merkle root.
 * Memory stays flat: files are never held whole.
 *
 * Finished files are committed to the store in groups (group-commit.ts) and, with a job
 * journal (job-journal.ts), recorded there after each commit: a resumed job reuses every
 * recorded file (same key, salt and CIDs) and encrypts only the others.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { NotariumError } from '../../../shared/errors.ts';
import { datasetProver, PUBLIC_SALT } from '../../../shared/notary/leaf.ts';
import {
  MANIFEST_FORMAT,
  MANIFEST_LEAF_ENCODING,
  MANIFEST_PROFILE,
  MANIFEST_VERSION,
  manifestPieces,
  manifestUtf8,
  sortFiles,
  type Manifest,
  type ManifestAuthor,
} from '../../../shared/notary/manifest.ts';
import { READ_CHUNK_BYTES, sha256OfPieces } from './hash.ts';
import type { InputFile } from './inputs.ts';
import type { ProgressMeter } from './progress.ts';
import type { CipherPort, StoragePort } from './ports.ts';
import { mapWeighted } from './map-limit.ts';
import { storeEncrypted, storeSealed } from './store-encrypted.ts';
import { GroupCommitter } from './group-commit.ts';
import { sortedInputsDigest, type FileRecord, type JobJournal } from './job-journal.ts';
import { FileTable } from './file-table.ts';
import { LargeString } from './receipt-writer.ts';
import { collectEvery } from '../heap.ts';

/** Buffers one file stream holds at most (cipher window + IPFS write window), bytes. */
const STREAM_BUFFER_BYTES = 16 * 1024 * 1024;

export interface PreparedDataset {
  /** The manifest's files in leaf order, packed (file-table.ts: ~25 MB for 100,000 files). */
  files: FileTable;
  /** The manifest's createdAt, unix seconds. */
  createdAt: number;
  /**
   * RFC 8785 canonical manifest text (~360 bytes per file), made piece by piece from `files`
   * each time it is read: the 36 MB text of 100,000 files is never held whole.
   */
  manifest: LargeString;
  manifestDigest: string;
  manifestHeaderCid: string;
  manifestPayloadCid: string;
  root: string;
  /** Merkle proof of files[i], made on demand (for the receipt, without building the tree again). */
  proof: (index: number) => string[];
  /** Plaintext bytes encrypted by this run (files reused from a job journal excluded). */
  bytesEncrypted: number;
}

export interface PrepareOptions {
  /**
   * The files to notarize. Emptied once they are stored: with the records of the stored
   * files, they are the bulk of a large job's memory (100,000 files: tens of MB).
   */
  files: InputFile[];
  title: string;
  authors: ManifestAuthor[];
  public: boolean;
  recipients: readonly string[];
  cipher: CipherPort;
  storage: StoragePort;
  meter: ProgressMeter;
  /** Files processed at once: overlaps one file's I/O with another's encryption. */
  concurrency?: number;
  /**
   * The job's journal: files it lists with the same size and modification time (and
   * still pinned) are reused, new ones are recorded after each group commit. `storage`
   * must then be a group-commit port (ports.ts).
   */
  journal?: JobJournal;
  signal?: AbortSignal;
  now?: () => number;
}

async function* readHashing(path: string, hash: ReturnType<typeof createHash>, counter: { size: number }, meter: ProgressMeter, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, ...(signal === undefined ? {} : { signal }) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    counter.size += chunk.length;
    meter.bytes(chunk.length);
    yield chunk;
  }
}

/**
 * Files from this size on (bytes) are read, hashed and sealed in a cipher worker
 * (CipherPort.encryptFile). Below it, the per-file messages and buffers cost more than
 * the worker saves: 3,000 × 16 KiB took 38–48 s that way against 31 s read here
 * (bench/notarize --case small --files 3000, loaded machine).
 */
const WORKER_SEAL_MIN_BYTES = 2 * 1024 * 1024;

/**
 * Encrypts and stores one file: large files in a cipher worker that reads and hashes them
 * (CipherPort encryptFile) when the port offers one, others read here and streamed
 * through `encrypt`.
 */
async function encryptAndStore(f: InputFile, o: PrepareOptions): Promise<{ headerCid: string; payloadCid: string; sha256: string; size: number }> {
  if (o.cipher.encryptFile !== undefined && f.size >= WORKER_SEAL_MIN_BYTES) {
    const sealed = await o.cipher.encryptFile(f.absPath, o.recipients, { onPlaintextBytes: (n) => o.meter.bytes(n), ...(o.signal === undefined ? {} : { signal: o.signal }) });
    const cids = await storeSealed(sealed, o.storage, o.signal);
    return { ...cids, ...(await sealed.plaintext) };
  }
  const hash = createHash('sha256');
  const counter = { size: 0 };
  const cids = await storeEncrypted(readHashing(f.absPath, hash, counter, o.meter, o.signal), o.recipients, o.cipher, o.storage, o.signal);
  return { ...cids, sha256: `0x${hash.digest('hex')}`, size: counter.size };
}

async function processFile(f: InputFile, o: PrepareOptions): Promise<FileRecord> {
  const { headerCid, payloadCid, sha256, size } = await encryptAndStore(f, o);
  const counter = { size };
  // A file written to during the job would be notarized with a hash nobody can reproduce:
  // compare size and modification time at collection and after reading.
  const after = await stat(f.absPath);
  if (counter.size !== f.size || after.size !== f.size || after.mtimeMs !== f.mtimeMs) {
    throw new NotariumError('INVALID_INPUT', `${f.path} changed while it was being notarized (${f.size} bytes at start, ${counter.size} read, ${after.size} now${after.mtimeMs !== f.mtimeMs ? ', modified since' : ''}); retry when it is no longer being written.`, {
      details: { path: f.path },
    });
  }
  o.meter.fileDone();
  return {
    t: 'file',
    path: f.path,
    size: counter.size,
    mtimeMs: f.mtimeMs,
    sha256,
    salt: o.public ? PUBLIC_SALT : `0x${randomBytes(32).toString('hex')}`,
    headerCid,
    payloadCid,
  };
}

/** The journal's record of `f` if it can be reused as is: same size and mtime, same kind of salt, still pinned. */
async function reusable(f: InputFile, o: PrepareOptions): Promise<FileRecord | undefined> {
  const r = o.journal?.files.get(f.path);
  if (r === undefined || r.size !== f.size || r.mtimeMs !== f.mtimeMs || (r.salt === PUBLIC_SALT) !== o.public) return undefined;
  const [header, payload] = await Promise.all([o.storage.isPinned(r.headerCid), o.storage.isPinned(r.payloadCid)]);
  return header && payload ? r : undefined;
}

/**
 * Encrypts and stores every file and the manifest; computes the root.
 * @throws NotariumError('INVALID_INPUT') when a file changes while read, ('CANCELLED') on abort,
 *   and the storage/cipher errors as they are.
 */
export async function prepareDataset(o: PrepareOptions): Promise<PreparedDataset> {
  const sorted = sortFiles([...o.files]);
  const journal = o.journal;
  const committer = new GroupCommitter<FileRecord>(o.storage, async (records) => {
    await journal?.append(records);
  });
  // Small files are latency-bound: overlap up to 8 of them. A file weighs its size up
  // to 16 MiB, the pipeline's buffers per stream, so large files run at most two at a
  // time and memory stays flat.
  const table = new FileTable(sorted.length);
  let bytesEncrypted = 0;
  try {
    await mapWeighted(
      sorted,
      { limit: o.concurrency ?? 8, budget: 2 * STREAM_BUFFER_BYTES, weight: (f) => Math.max(f.size, 64 * 1024), ...(o.signal === undefined ? {} : { signal: o.signal }) },
      async (f, index) => {
        const kept = await reusable(f, o);
        if (kept !== undefined) {
          o.meter.bytes(kept.size);
          o.meter.fileDone();
          table.set(index, kept);
          return;
        }
        const record = await processFile(f, o);
        bytesEncrypted += record.size;
        committer.add(record, record.size);
        table.set(index, record);
        // Keep pace with the store's commits: finished files wait there until synced.
        await committer.ready();
      },
    );
    await committer.finish();
  } catch (error) {
    // Keep what finished (e.g. before a cancel or a changed file): a rerun reuses it.
    await committer.finish().catch(() => undefined);
    throw error;
  }
  // The inputs are done with (see PrepareOptions.files).
  sorted.length = 0;
  o.files.length = 0;
  return { ...(await storeManifest(table, o)), bytesEncrypted };
}

/**
 * After the files: the canonical manifest, its digest, the Merkle tree, the encrypted
 * manifest stored (unless the journal has it already) and recorded in the journal. The
 * manifest text (~36 MB for 100,000 files) is made in pieces from the packed table, for the
 * digest and for the encrypted copy, and never exists whole; the tree's leaves are made
 * from the table too.
 */
async function storeManifest(files: FileTable, o: PrepareOptions): Promise<Omit<PreparedDataset, 'bytesEncrypted'>> {
  const journal = o.journal;
  // The job looks no file up from here on: its records stay on disk only.
  journal?.releaseFiles(sortedInputsDigest(files.stats()));
  // Proofs are made when the receipt is written, one page at a time, from this same tree.
  const { root, proof } = datasetProver(files.leaves);
  const createdAt = Math.floor((o.now?.() ?? Date.now()) / 1000);
  const head: Omit<Manifest, 'files'> = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    title: o.title,
    authors: o.authors,
    createdAt,
    public: o.public,
    leafEncoding: MANIFEST_LEAF_ENCODING,
    profile: MANIFEST_PROFILE,
  };
  const manifest = new LargeString(() => manifestPieces({ ...head, files }));
  // = manifestDigest(text), from the text's pieces (no buffers to collect).
  const digest = sha256OfPieces(manifest.pieces());
  let stored = journal?.manifest;
  if (stored === undefined || stored.manifestDigest !== digest || !(await o.storage.isPinned(stored.manifestHeaderCid)) || !(await o.storage.isPinned(stored.manifestPayloadCid))) {
    const cids = await storeEncrypted(collectingEvery(MANIFEST_GC_BYTES, manifestUtf8(manifest.pieces())), o.recipients, o.cipher, o.storage, o.signal);
    await o.storage.commit();
    stored = { t: 'manifest', manifestDigest: digest, manifestHeaderCid: cids.headerCid, manifestPayloadCid: cids.payloadCid, root };
    await journal?.append([stored]);
  }
  return {
    files,
    createdAt,
    manifest,
    manifestDigest: digest,
    manifestHeaderCid: stored.manifestHeaderCid,
    manifestPayloadCid: stored.manifestPayloadCid,
    root,
    proof,
  };
}

/**
 * Bytes of manifest streamed between two full GCs (collectingEvery). Encrypting 36 MB
 * alone (session 7): +46 MiB RSS without, +22 every 8 MiB, +14 every 4 MiB (0.09 → 0.11 s);
 * every 2 MiB saved little more (+12) for 0.15 s.
 */
const MANIFEST_GC_BYTES = 4 * 1024 * 1024;

/**
 * `source` as an async stream, with a full GC (heap.ts collectGarbage) after every `bytes`
 * of it: the encrypted manifest of 100,000 files (36 MB) otherwise left ~60 MB of 1 MiB
 * buffers (UTF-8 slices, cipher batches, UnixFS chunks) for V8's next major GC, and they
 * raised the job's peak RSS by as much. A manifest under `bytes` is not collected.
 */
async function* collectingEvery(bytes: number, source: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const passed = collectEvery(bytes);
  for (const chunk of source) {
    yield chunk;
    passed(chunk.length);
  }
}
