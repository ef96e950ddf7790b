/**
 * The CID of content under a UnixFS profile without storing anything: what
 * `ipfs add --only-hash` prints with the profile's flags (kuboAddFlags). Used by
 * `notarium cid` and to check a file against a manifest without an IPFS node.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { importByteStream, type WritableStorage } from 'ipfs-unixfs-importer';
import type { CID } from 'multiformats/cid';
import { NotariumError } from '../../../shared/errors.ts';
import type { AddResult } from './backend.ts';
import { toIpfsError } from './errors.ts';
import { meterSource } from './metered-source.ts';
import { importerOptions, UNIXFS_V1_2025, type UnixfsProfile } from './profile.ts';

/** Options of cidOfStream / cidOfFile. */
export interface HashOnlyOptions {
  signal?: AbortSignal;
  /** Default UNIXFS_V1_2025. */
  profile?: UnixfsProfile;
}

// The importer hashes every block and hands it here: dropping it is "only hash".
const DISCARD: WritableStorage = { put: async (cid: CID) => cid };

/**
 * The root CID and byte length of the concatenated chunks of `source`.
 *
 * @throws NotariumError('INVALID_INPUT') for a chunk that is not a Uint8Array,
 *   'CANCELLED' when `signal` aborts, the source's own NotariumErrors, else 'IPFS_FAILED'.
 */
export async function cidOfStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: HashOnlyOptions = {}): Promise<AddResult> {
  const metered = meterSource(source, options.signal);
  try {
    const { cid } = await importByteStream(metered.chunks, DISCARD, importerOptions(options.profile ?? UNIXFS_V1_2025));
    return { cid, size: metered.bytes() };
  } catch (error) {
    throw toIpfsError(error, 'cannot compute the CID', undefined, options.signal);
  }
}

/**
 * The root CID and byte length of the file at `file`, read in profile-sized chunks (so
 * the chunker never copies).
 *
 * @throws NotariumError('NOT_FOUND') if `file` does not exist, 'INVALID_INPUT' if it is
 *   not a regular file, 'CANCELLED' when `signal` aborts, else 'IPFS_FAILED'.
 */
export async function cidOfFile(file: string, options: HashOnlyOptions = {}): Promise<AddResult> {
  const profile = options.profile ?? UNIXFS_V1_2025;
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'IPFS_FAILED';
    throw new NotariumError(code, `cannot read ${file}`, { cause: error, details: { path: file } });
  }
  if (!info.isFile()) throw new NotariumError('INVALID_INPUT', `${file} is not a regular file`, { details: { path: file } });
  const stream = createReadStream(file, { highWaterMark: profile.chunkSize, signal: options.signal });
  try {
    return await cidOfStream(stream, { ...options, profile });
  } finally {
    stream.destroy();
  }
}
