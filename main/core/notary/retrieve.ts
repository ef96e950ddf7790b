/**
 * Retrieval: fetch the encrypted manifest and files from IPFS, decrypt them with the
 * user's age identity, check every SHA-256, and restore the files safely under `out`.
 */
import { createHash } from 'node:crypto';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotariumError, NotariumError } from '../../../shared/errors.ts';
import { manifestDigest as digestOf, parseManifest, type Manifest, type ManifestFile } from '../../../shared/notary/manifest.ts';
import { createOutputFile, prepareOutputDir } from './safe-output.ts';
import { readManifest, type ReadManifest } from './manifest-reader.ts';
import { mapWeighted, type Indexed } from './map-limit.ts';
import { ProgressMeter, type Progress } from './progress.ts';
import type { CipherPort, StoragePort } from './ports.ts';

/** Largest age header accepted: a header with many recipients is still a few KiB. */
const MAX_HEADER_BYTES = 1 << 20;

export async function collect(source: AsyncIterable<Uint8Array>, max: number, what: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of source) {
    n += c.length;
    if (n > max) throw new NotariumError('INVALID_INPUT', `${what} is larger than ${max} bytes; refusing it.`);
    parts.push(c);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface ManifestLocation {
  manifestHeaderCid: string;
  manifestPayloadCid: string;
  /** When known (receipt or ledger), the fetched manifest must hash to it. */
  manifestDigest?: string;
}

/**
 * Fetches and decrypts a dataset manifest, whole: the manifest and its canonical text (for
 * callers that need both, e.g. a share envelope). A retrieval streams it instead
 * (fetchManifestTable).
 * @throws NotariumError('AGE_DECRYPT_FAILED') when the identity is not a recipient,
 *   ('HASH_MISMATCH') when it does not hash to the expected digest, ('RECEIPT_INVALID') when malformed.
 */
export async function fetchManifestAndText(loc: ManifestLocation, identities: readonly string[], cipher: CipherPort, storage: StoragePort): Promise<{ manifest: Manifest; text: string }> {
  const header = await collect(storage.cat(loc.manifestHeaderCid), MAX_HEADER_BYTES, 'The manifest header');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(await collect(cipher.decrypt(header, storage.cat(loc.manifestPayloadCid), identities), 1 << 30, 'The manifest'));
  if (loc.manifestDigest !== undefined && digestOf(text) !== loc.manifestDigest) {
    throw new NotariumError('HASH_MISMATCH', `The manifest fetched from IPFS does not hash to the notarized digest ${loc.manifestDigest}.`, { details: { integrity: 'altered' } });
  }
  return { manifest: parseManifest(text), text };
}

/**
 * Fetches and decrypts a dataset manifest into a packed file table, streamed: neither its
 * text nor its entries as objects are ever held whole (manifest-reader.ts), so a manifest
 * of 100,000 files costs ~25 MB rather than ~230 MB of short-lived heap.
 * @throws as fetchManifestAndText.
 */
export async function fetchManifestTable(loc: ManifestLocation, identities: readonly string[], cipher: CipherPort, storage: StoragePort): Promise<ReadManifest> {
  const header = await collect(storage.cat(loc.manifestHeaderCid), MAX_HEADER_BYTES, 'The manifest header');
  return readManifest(cipher.decrypt(header, storage.cat(loc.manifestPayloadCid), identities), 1 << 30, loc.manifestDigest);
}

export interface RetrieveResult {
  out: string;
  fileCount: number;
  /** Plaintext bytes written. */
  totalBytes: number;
  root?: string;
}

/** Files restored at once: a small file is mostly waiting (block reads, file creation, rename), so several overlap. */
const RESTORES_IN_FLIGHT = 16;
/**
 * Budget of the files in flight, in bytes of plaintext: a file weighs its size (at least
 * 64 KiB, at most this budget), so files of 16 MiB and more stream at most two at a time
 * and a few large files never multiply the decryption buffers by RESTORES_IN_FLIGHT.
 */
const RESTORE_BUDGET_BYTES = 32 * 1024 * 1024;

/**
 * Restores every file of `files` (a manifest's, in leaf order) under `out` (new or empty folder), up to 16 files at a
 * time (fewer when they are large: see RESTORE_BUDGET_BYTES), each streamed (IPFS read, age
 * decryption, write) and never held whole. Each file is written under a temporary name and
 * renamed into place only after its SHA-256 and size matched; two paths that may name the
 * same file on a case- or normalization-insensitive disk are renamed one after the other,
 * so the second is refused rather than replacing the first. On any failure the files still
 * in flight are stopped, every file written so far is removed, the folders made for them
 * too (the output folder was empty), and the first error is thrown; an integrity failure
 * names the file it hit and says that nothing was restored. Progress counts plaintext
 * bytes as they are written and files as they are renamed into place.
 * @throws NotariumError('UNSAFE_PATH') for a path that could escape `out` or names a file
 *   already written, ('HASH_MISMATCH') for content that does not match,
 *   ('AGE_DECRYPT_FAILED'), ('INVALID_INPUT') when `out` is not an empty folder or an
 *   age header is larger than 1 MiB.
 */
export async function restoreFiles(
  files: Indexed<ManifestFile>,
  out: string,
  identities: readonly string[],
  cipher: CipherPort,
  storage: StoragePort,
  onProgress?: (p: Progress) => void,
  /** Age headers to use instead of the stored ones (a share envelope's, for its recipient), by file index. */
  headers?: readonly Uint8Array[],
): Promise<RetrieveResult> {
  const root = await prepareOutputDir(out);
  let total = 0;
  for (let i = 0; i < files.length; i++) total += (files.at(i) as ManifestFile).size;
  const meter = new ProgressMeter('retrieving', files.length, total, onProgress);
  const written: string[] = [];
  // Aborted at the first failure: files in flight stop reading and writing.
  const stop = new AbortController();
  let failure: { error: unknown } | undefined;
  const renames = new RenameQueue();
  try {
    await mapWeighted(files, { limit: RESTORES_IN_FLIGHT, budget: RESTORE_BUDGET_BYTES, weight: (f) => Math.max(f.size, 64 * 1024) }, async (f, i) => {
      try {
        if (stop.signal.aborted) return;
        const target = await createOutputFile(root, f.path);
        try {
          const header = headers?.[i] ?? (await storage.readSmall(f.headerCid, MAX_HEADER_BYTES));
          const hash = createHash('sha256');
          let size = 0;
          for await (const chunk of cipher.decrypt(header, storage.cat(f.payloadCid, stop.signal), identities)) {
            stop.signal.throwIfAborted();
            hash.update(chunk);
            size += chunk.length;
            meter.bytes(chunk.length);
            await target.handle.write(chunk);
          }
          const sha = `0x${hash.digest('hex')}`;
          if (sha !== f.sha256 || size !== f.size) {
            throw new NotariumError('HASH_MISMATCH', `${f.path}: decrypted content does not match the manifest (SHA-256 ${sha}, ${size} bytes).`, { details: { path: f.path, integrity: 'altered' } });
          }
          stop.signal.throwIfAborted();
          await renames.run(f.path, () => target.commit());
          written.push(target.finalPath);
          meter.fileDone();
        } catch (e) {
          await target.abort();
          throw nameTheFile(e, f.path);
        }
      } catch (error) {
        // The first failure is the one reported; the others follow from stopping.
        if (failure === undefined) {
          failure = { error };
          stop.abort();
        }
        // mapWeighted then starts no other file and settles once those in flight have.
        throw error;
      }
    });
  } catch (error) {
    // Always one of ours, unless mapWeighted itself failed.
    failure ??= { error };
  }
  if (failure !== undefined) {
    await Promise.all(written.map((p) => rm(p, { force: true })));
    await removeEmptyFolders(root);
    throw failure.error;
  }
  return { out: root, fileCount: files.length, totalBytes: total };
}

/**
 * A stored block of `path` that no longer matches its CID (or content that no longer
 * matches its SHA-256) reported with the file it belongs to and what became of the
 * retrieval; other errors as they are.
 */
function nameTheFile(e: unknown, path: string): unknown {
  if (!isNotariumError(e) || e.details?.['integrity'] === undefined) return e;
  const message = e.message.startsWith(`${path}:`) ? e.message : `${path}: ${e.message}`;
  return new NotariumError(e.code, `${message.replace(/\.$/, '')}; nothing was restored (the files written so far were removed).`, { cause: e, details: { ...e.details, path } });
}

/** Removes the folders under `root` that are empty, deepest first (the output folder itself stays). */
async function removeEmptyFolders(root: string): Promise<void> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const folders = entries.filter((d) => d.isDirectory()).map((d) => join(d.parentPath, d.name));
  folders.sort((a, b) => b.length - a.length);
  // rmdir refuses a folder that is not empty: nothing but empty folders can go.
  for (const folder of folders) await rmdir(folder).catch(() => undefined);
}

/**
 * Renames into place one at a time per file name as a case- and normalization-insensitive
 * disk sees it (NFC, lower case), so that of two paths naming the same file the second
 * sees the first (createOutputFile's commit refuses a target that exists) instead of
 * both checking before either renames. Other names rename in parallel.
 */
class RenameQueue {
  readonly #tails = new Map<string, Promise<void>>();

  async run(relPath: string, rename: () => Promise<void>): Promise<void> {
    const key = relPath.normalize('NFC').toLowerCase();
    const mine = (this.#tails.get(key) ?? Promise.resolve()).then(rename);
    const tail = mine.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      await mine;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
