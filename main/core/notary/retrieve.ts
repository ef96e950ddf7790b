/**
 * Retrieval: fetch the encrypted manifest and files from IPFS, decrypt them with the
 * user's age identity, check every SHA-256, and restore the files safely under `out`.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { NotariumError } from '../../../shared/errors.ts';
import { manifestDigest as digestOf, parseManifest, type Manifest } from '../../../shared/notary/manifest.ts';
import { createOutputFile, prepareOutputDir } from './safe-output.ts';
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
 * Fetches and decrypts a dataset manifest.
 * @throws NotariumError('AGE_DECRYPT_FAILED') when the identity is not a recipient,
 *   ('HASH_MISMATCH') when it does not hash to the expected digest, ('RECEIPT_INVALID') when malformed.
 */
export async function fetchManifest(loc: ManifestLocation, identities: readonly string[], cipher: CipherPort, storage: StoragePort): Promise<Manifest> {
  return parseManifest(await fetchManifestText(loc, identities, cipher, storage));
}

/** As fetchManifest, returning the canonical text (what manifestDigest hashes). */
export async function fetchManifestText(loc: ManifestLocation, identities: readonly string[], cipher: CipherPort, storage: StoragePort): Promise<string> {
  return (await fetchManifestAndText(loc, identities, cipher, storage)).text;
}

/** As fetchManifest, returning both the manifest and its canonical text (one parse for callers that need both). */
export async function fetchManifestAndText(loc: ManifestLocation, identities: readonly string[], cipher: CipherPort, storage: StoragePort): Promise<{ manifest: Manifest; text: string }> {
  const header = await collect(storage.cat(loc.manifestHeaderCid), MAX_HEADER_BYTES, 'The manifest header');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(await collect(cipher.decrypt(header, storage.cat(loc.manifestPayloadCid), identities), 1 << 30, 'The manifest'));
  if (loc.manifestDigest !== undefined && digestOf(text) !== loc.manifestDigest) {
    throw new NotariumError('HASH_MISMATCH', `The manifest fetched from IPFS does not hash to the notarized digest ${loc.manifestDigest}.`);
  }
  return { manifest: parseManifest(text), text };
}

export interface RetrieveResult {
  out: string;
  fileCount: number;
  /** Plaintext bytes written. */
  totalBytes: number;
  root?: string;
}

/**
 * Restores every file of `manifest` under `out` (new or empty folder). Each file is
 * written under a temporary name and renamed into place only after its SHA-256 matched;
 * on any failure every file written so far is removed.
 * @throws NotariumError('UNSAFE_PATH') for a path that could escape `out`,
 *   ('HASH_MISMATCH') for content that does not match, ('AGE_DECRYPT_FAILED').
 */
export async function restoreFiles(
  manifest: Manifest,
  out: string,
  identities: readonly string[],
  cipher: CipherPort,
  storage: StoragePort,
  onProgress?: (p: Progress) => void,
  /** Age headers to use instead of the stored ones (a share envelope's, for its recipient), by file index. */
  headers?: readonly Uint8Array[],
): Promise<RetrieveResult> {
  const root = await prepareOutputDir(out);
  const total = manifest.files.reduce((s, f) => s + f.size, 0);
  const meter = new ProgressMeter('retrieving', manifest.files.length, total, onProgress);
  const written: string[] = [];
  try {
    for (const [i, f] of manifest.files.entries()) {
      const target = await createOutputFile(root, f.path);
      try {
        const header = headers?.[i] ?? (await collect(storage.cat(f.headerCid), MAX_HEADER_BYTES, `The age header of ${f.path}`));
        const hash = createHash('sha256');
        let size = 0;
        for await (const chunk of cipher.decrypt(header, storage.cat(f.payloadCid), identities)) {
          hash.update(chunk);
          size += chunk.length;
          meter.bytes(chunk.length);
          await target.handle.write(chunk);
        }
        const sha = `0x${hash.digest('hex')}`;
        if (sha !== f.sha256 || size !== f.size) {
          throw new NotariumError('HASH_MISMATCH', `${f.path}: decrypted content does not match the manifest (SHA-256 ${sha}, ${size} bytes).`);
        }
        await target.commit();
        written.push(target.finalPath);
        meter.fileDone();
      } catch (e) {
        await target.abort();
        throw e;
      }
    }
  } catch (e) {
    await Promise.all(written.map((p) => rm(p, { force: true })));
    throw e;
  }
  return { out: root, fileCount: manifest.files.length, totalBytes: total };
}
