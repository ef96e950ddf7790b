/**
 * Step 1 of notarization: for every file, stream it once through SHA-256 and age
 * encryption into IPFS (header and payload as separate objects, both pinned), then build
 * the canonical manifest, store it encrypted, and compute the Merkle root.
 * Memory stays flat: files are never held whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { NotariumError } from '../../../shared/errors.ts';
import { buildDatasetTree, PUBLIC_SALT } from '../../../shared/notary/leaf.ts';
import {
  canonicalManifest,
  manifestDigest,
  MANIFEST_FORMAT,
  MANIFEST_LEAF_ENCODING,
  MANIFEST_PROFILE,
  MANIFEST_VERSION,
  sortFiles,
  type Manifest,
  type ManifestAuthor,
  type ManifestFile,
} from '../../../shared/notary/manifest.ts';
import { READ_CHUNK_BYTES } from './hash.ts';
import type { InputFile } from './inputs.ts';
import type { ProgressMeter } from './progress.ts';
import type { CipherPort, StoragePort } from './ports.ts';
import { mapWeighted } from './map-limit.ts';
import { once, storeEncrypted } from './store-encrypted.ts';

/** Buffers one file stream holds at most (cipher window + IPFS write window), bytes. */
const STREAM_BUFFER_BYTES = 16 * 1024 * 1024;

export interface PreparedDataset {
  manifest: Manifest;
  manifestText: string;
  manifestDigest: string;
  manifestHeaderCid: string;
  manifestPayloadCid: string;
  root: string;
  /** proofs[i] belongs to manifest.files[i]. */
  proofs: string[][];
}

export interface PrepareOptions {
  files: readonly InputFile[];
  title: string;
  authors: ManifestAuthor[];
  public: boolean;
  recipients: readonly string[];
  cipher: CipherPort;
  storage: StoragePort;
  meter: ProgressMeter;
  /** Files processed at once: overlaps one file's I/O with another's encryption. */
  concurrency?: number;
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

async function processFile(f: InputFile, o: PrepareOptions): Promise<ManifestFile> {
  const hash = createHash('sha256');
  const counter = { size: 0 };
  const { headerCid, payloadCid } = await storeEncrypted(readHashing(f.absPath, hash, counter, o.meter, o.signal), o.recipients, o.cipher, o.storage, o.signal);
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
    path: f.path,
    size: counter.size,
    sha256: `0x${hash.digest('hex')}`,
    salt: o.public ? PUBLIC_SALT : `0x${randomBytes(32).toString('hex')}`,
    headerCid,
    payloadCid,
  };
}

/**
 * Encrypts and stores every file and the manifest; computes the root.
 * @throws NotariumError('INVALID_INPUT') when a file changes while read, ('CANCELLED') on abort,
 *   and the storage/cipher errors as they are.
 */
export async function prepareDataset(o: PrepareOptions): Promise<PreparedDataset> {
  const sorted = sortFiles([...o.files]);
  // Small files are latency-bound (a few fsyncs each): overlap up to 8 of them. A file
  // weighs its size up to 16 MiB, the pipeline's buffers per stream, so large files run
  // at most two at a time and memory stays flat.
  const files = await mapWeighted(
    sorted,
    { limit: o.concurrency ?? 8, budget: 2 * STREAM_BUFFER_BYTES, weight: (f) => Math.max(f.size, 64 * 1024), ...(o.signal === undefined ? {} : { signal: o.signal }) },
    (f) => processFile(f, o),
  );
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    title: o.title,
    authors: o.authors,
    createdAt: Math.floor((o.now?.() ?? Date.now()) / 1000),
    public: o.public,
    leafEncoding: MANIFEST_LEAF_ENCODING,
    profile: MANIFEST_PROFILE,
    files,
  };
  const manifestText = canonicalManifest(manifest);
  const stored = await storeEncrypted(once(new TextEncoder().encode(manifestText)), o.recipients, o.cipher, o.storage, o.signal);
  const { root, proofs } = buildDatasetTree(files.map((f) => [f.salt, f.sha256]));
  return {
    manifest,
    manifestText,
    manifestDigest: manifestDigest(manifestText),
    manifestHeaderCid: stored.headerCid,
    manifestPayloadCid: stored.payloadCid,
    root,
    proofs,
  };
}
