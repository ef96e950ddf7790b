/**
 * Reading a CAR file that came from elsewhere (a USB disk from another site), trusting
 * nothing in it: every block is hashed and compared with its CID as it is read, and the
 * file must hold the complete DAG of each root it names (or the rest must already be
 * stored locally). Only a CAR that passes all of this is imported; a truncated file, an
 * altered byte, a missing block or a broken header is rejected before anything is
 * stored, so an import is all or nothing.
 *
 * The embedded node stages the verified blocks in a scratch folder next to its
 * blockstore and moves them in only after the last check (HeliaBackend.importCar); the
 * Kubo backend verifies the file here first, then streams it to `dag/import`.
 */
import { createReadStream } from 'node:fs';
import { CarBlockIterator } from '@ipld/car/iterator';
import * as dagPb from '@ipld/dag-pb';
import { equals } from 'multiformats/bytes';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { identity } from 'multiformats/hashes/identity';
import { sha256 } from 'multiformats/hashes/sha2';
import { isNotariumError, NotariumError } from '../../../shared/errors.ts';
import type { CarImportResult } from './backend.ts';

/**
 * `details.integrity` of the errors for a CAR whose content does not check out, as
 * opposed to a file that is not a CAR or not importable: the block data stops early
 * ('truncated'), a block does not hash to its CID ('altered'), or a root's DAG misses a
 * block ('incomplete'). The CLI exits 1 ("verification failed") for these.
 */
export type CarIntegrityFailure = 'truncated' | 'altered' | 'incomplete';

/** Largest block accepted, in bytes: 2 MiB, the bitswap limit (our leaves are 1 MiB). */
export const MAX_CAR_BLOCK_BYTES = 2 * 1_048_576;

/** What the reader may consult about blocks already stored locally. */
export interface LocalBlocks {
  has(cid: CID): Promise<boolean>;
  getBlock(cid: CID): Promise<Uint8Array>;
}

/** Options of readVerifiedCar. */
export interface ReadCarOptions {
  /** Receives each verified block not yet stored locally, once, in file order. */
  stage?: (cid: CID, bytes: Uint8Array) => Promise<void>;
  signal?: AbortSignal;
}

/**
 * Reads the CAR file `file` (CARv1; CARv2 wraps one and is accepted too), verifying it
 * as described above, and returns its roots and block counts.
 *
 * @throws NotariumError('INVALID_INPUT') for a file that is not a CAR, is truncated,
 *   names no roots, holds a block over MAX_CAR_BLOCK_BYTES, a codec other than dag-pb
 *   or raw inside a root's DAG, or misses a block of a root's DAG;
 *   ('CID_MISMATCH') for a block whose bytes do not hash to its CID. A truncated file,
 *   an altered block and a missing block carry `details.integrity` (CarIntegrityFailure).
 *   ('NOT_FOUND') if
 *   the file does not exist; ('CANCELLED') when `signal` aborts.
 */
export async function readVerifiedCar(file: string, local: LocalBlocks, options: ReadCarOptions = {}): Promise<CarImportResult> {
  const stream = createReadStream(file, { highWaterMark: 1_048_576 });
  const present = new Set<string>();
  // Links of the dag-pb blocks in the file; raw blocks have none.
  const links = new Map<string, CID[]>();
  let blocks = 0;
  let blockBytes = 0;
  let roots: CID[];
  try {
    let reader: CarBlockIterator;
    try {
      reader = await CarBlockIterator.fromIterable(stream);
      roots = await reader.getRoots();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotariumError('NOT_FOUND', `CAR file not found: ${file}`, { cause: error, details: { path: file } });
      throw invalid(file, 'is not a CAR file (no valid CAR header)', error);
    }
    if (roots.length === 0) throw invalid(file, 'names no root CIDs, so nothing could be pinned');
    try {
      for await (const block of reader) {
        options.signal?.throwIfAborted();
        if (block.bytes.byteLength > MAX_CAR_BLOCK_BYTES) {
          throw invalid(file, `holds block ${block.cid.toString()} of ${block.bytes.byteLength} bytes, over the ${MAX_CAR_BLOCK_BYTES}-byte limit`);
        }
        await verifyCarBlock(block.cid, block.bytes);
        const key = keyOf(block.cid);
        if (present.has(key)) continue;
        present.add(key);
        blocks += 1;
        blockBytes += block.bytes.byteLength;
        if (block.cid.code === dagPb.code) links.set(key, dagPb.decode(block.bytes).Links.map((link) => link.Hash));
        if (options.stage !== undefined && !(await local.has(block.cid))) await options.stage(block.cid, block.bytes);
      }
    } catch (error) {
      if (isNotariumError(error) || options.signal?.aborted === true) throw error;
      // The parser's "Unexpected end of data" and friends: the file stops mid-block.
      throw invalid(file, `is truncated or corrupt (${(error as Error).message})`, error, { integrity: 'truncated' satisfies CarIntegrityFailure });
    }
    await checkComplete(file, roots, present, links, local, options.signal);
  } catch (error) {
    if (options.signal?.aborted === true) throw new NotariumError('CANCELLED', 'CAR import cancelled', { cause: error });
    throw error;
  } finally {
    stream.destroy();
  }
  return { roots, blocks, blockBytes };
}

/**
 * Checks that `bytes` hash to `cid` (sha2-256, or identity).
 * @throws NotariumError('CID_MISMATCH') if not; ('INVALID_INPUT') for another hash.
 */
async function verifyCarBlock(cid: CID, bytes: Uint8Array): Promise<void> {
  let digest: Uint8Array;
  if (cid.multihash.code === sha256.code) digest = (await sha256.digest(bytes)).bytes;
  else if (cid.multihash.code === identity.code) digest = identity.digest(bytes).bytes;
  else throw new NotariumError('INVALID_INPUT', `block ${cid.toString()} uses multihash 0x${cid.multihash.code.toString(16)}; only sha2-256 is accepted`, { details: { cid: cid.toString() } });
  if (!equals(digest, cid.multihash.bytes)) {
    throw new NotariumError('CID_MISMATCH', `block ${cid.toString()} in the CAR does not hash to its CID: the file was altered; nothing was imported`, { details: { cid: cid.toString(), integrity: 'altered' satisfies CarIntegrityFailure } });
  }
}

/** Every block reachable from `roots` is in the file or stored locally. */
async function checkComplete(file: string, roots: readonly CID[], present: ReadonlySet<string>, links: ReadonlyMap<string, CID[]>, local: LocalBlocks, signal: AbortSignal | undefined): Promise<void> {
  const visited = new Set<string>();
  for (const root of roots) {
    const stack: CID[] = [root];
    for (let cid = stack.pop(); cid !== undefined; cid = stack.pop()) {
      signal?.throwIfAborted();
      const key = keyOf(cid);
      if (visited.has(key)) continue;
      visited.add(key);
      if (cid.code !== dagPb.code && cid.code !== raw.code) {
        throw invalid(file, `reaches block ${cid.toString()} of codec 0x${cid.code.toString(16)}; only dag-pb and raw DAGs are imported`);
      }
      if (present.has(key)) {
        stack.push(...(links.get(key) ?? []));
        continue;
      }
      if (!(await local.has(cid))) {
        throw invalid(file, `misses block ${cid.toString()} of root ${root.toString()}: the DAG is incomplete`, undefined, { cid: cid.toString(), root: root.toString(), integrity: 'incomplete' satisfies CarIntegrityFailure });
      }
      if (cid.code === dagPb.code) stack.push(...dagPb.decode(await local.getBlock(cid)).Links.map((link) => link.Hash));
    }
  }
}

/** A CIDv0 and its CIDv1 name one block; the codec stays part of the key (it decides the links). */
function keyOf(cid: CID): string {
  return cid.toV1().toString();
}

function invalid(file: string, what: string, cause?: unknown, details: Record<string, unknown> = {}): NotariumError {
  return new NotariumError('INVALID_INPUT', `${file} ${what}; nothing was imported`, { ...(cause === undefined ? {} : { cause }), details: { path: file, ...details } });
}
