/**
 * CAR export: the full DAGs of given root CIDs as one CARv1 file
 * (https://ipld.io/specs/transport/car/carv1/), to carry a dataset on a USB disk to a site
 * with no network. Any IPFS implementation imports it: Notarium (`notarium car import`),
 * Kubo (`ipfs dag import --pin-roots file.car`), Helia, Boxo.
 *
 * The header lists the roots; the blocks follow depth first from each root in link
 * order, each block once. Every block is read through the backend's `getBlock`, which
 * checks it against its CID, so a corrupted local block fails the export instead of
 * travelling. The file appears under its name only once complete and fsynced: an
 * interrupted export never leaves a truncated CAR that looks finished.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { CarWriter } from '@ipld/car/writer';
import * as dagPb from '@ipld/dag-pb';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { isNotariumError, NotariumError } from '../../../shared/errors.ts';
import type { GetBlockOptions } from './backend.ts';
import { FILE_MODE } from '../fs/durable-files.ts';
import { assertOutputFileFree, outputFileExists } from '../fs/output-file.ts';

/** Where the blocks come from: any IpfsBackend. */
export interface BlockSource {
  getBlock(cid: CID, options?: GetBlockOptions): Promise<Uint8Array>;
}

/** Options of exportCar. */
export interface CarExportOptions {
  signal?: AbortSignal;
  /** Called after each block is written, with running totals. */
  onBlock?: (blocks: number, blockBytes: number) => void;
  /** Replace `file` if it exists; by default an existing file (or anything at that path) is refused. */
  replace?: boolean;
}

/** What exportCar wrote. */
export interface CarExportResult {
  /** The distinct roots, in the order given; the CAR header lists them. */
  roots: CID[];
  /** Distinct blocks written. */
  blocks: number;
  /** Sum of their sizes, in bytes. */
  blockBytes: number;
  /** Size of the CAR file, in bytes (blocks plus header and framing). */
  fileBytes: number;
}

/**
 * Writes the DAGs of `roots` from `source` to the CARv1 file `file`. Only dag-pb and raw
 * blocks are followed: Notarium stores UnixFS files. An existing `file` is left untouched
 * and refused unless `options.replace`.
 *
 * @throws NotariumError('INVALID_INPUT') for no roots, a block of another codec, a folder
 *   at `file` (even with `replace`), or an existing `file` without `replace` (checked before and again when the file is put in place);
 *   the source's 'NOT_FOUND' / 'CID_MISMATCH' for a missing or corrupt block;
 *   'CANCELLED' when `signal` aborts; 'IPFS_FAILED' if the file cannot be written.
 *   Nothing is left at `file` on failure.
 */
export async function exportCar(source: BlockSource, roots: readonly CID[], file: string, options: CarExportOptions = {}): Promise<CarExportResult> {
  const distinctRoots = distinct(roots);
  if (distinctRoots.length === 0) throw new NotariumError('INVALID_INPUT', 'a CAR export needs at least one root CID');
  const replace = options.replace === true;
  await assertOutputFileFree(file, replace);
  const temp = `${file}.${randomBytes(6).toString('hex')}.partial`;
  const { writer, out } = CarWriter.create(distinctRoots);
  let fileBytes = 0;
  let blocks = 0;
  let blockBytes = 0;
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      // The writer's put() resolves once its bytes are taken from `out`: the file write
      // below paces the DAG walk, so memory holds about one block at a time.
      const written = (async () => {
        for await (const chunk of out) {
          await handle.write(chunk);
          fileBytes += chunk.byteLength;
        }
      })();
      const walked = (async () => {
        try {
          for await (const block of walkDags(source, distinctRoots, options.signal)) {
            await writer.put(block);
            blocks += 1;
            blockBytes += block.bytes.byteLength;
            options.onBlock?.(blocks, blockBytes);
          }
        } finally {
          await writer.close();
        }
      })();
      await Promise.all([walked, written]);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (replace) await rename(temp, file);
    else await renameNoReplace(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    if (options.signal?.aborted === true) throw new NotariumError('CANCELLED', 'CAR export cancelled', { cause: error });
    if (isNotariumError(error)) throw error;
    throw new NotariumError('IPFS_FAILED', `cannot write the CAR file ${file}: ${(error as Error).message}`, { cause: error, details: { path: file } });
  }
  return { roots: distinctRoots, blocks, blockBytes, fileBytes };
}

/**
 * Moves `temp` to `file` unless something is at `file` by then: a hard link fails with
 * EEXIST instead of replacing. File systems without hard links (FAT and exFAT USB disks)
 * fall back to a check then a rename, which leaves a tiny window.
 */
async function renameNoReplace(temp: string, file: string): Promise<void> {
  try {
    await link(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw outputFileExists(file, error);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    await assertOutputFileFree(file, false);
    await rename(temp, file);
    return;
  }
  await unlink(temp);
}

/** Every block of the DAGs of `roots`, depth first in link order, each once. */
async function* walkDags(source: BlockSource, roots: readonly CID[], signal: AbortSignal | undefined): AsyncGenerator<{ cid: CID; bytes: Uint8Array }> {
  const seen = new Set<string>();
  const stack = [...roots].reverse();
  for (let cid = stack.pop(); cid !== undefined; cid = stack.pop()) {
    signal?.throwIfAborted();
    const key = cid.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    const bytes = await source.getBlock(cid, signal === undefined ? {} : { signal });
    if (cid.code === dagPb.code) {
      const links = dagPb.decode(bytes).Links;
      for (let i = links.length - 1; i >= 0; i--) stack.push((links[i] as dagPb.PBLink).Hash);
    } else if (cid.code !== raw.code) {
      throw new NotariumError('INVALID_INPUT', `block ${key} has codec 0x${cid.code.toString(16)}; only dag-pb and raw DAGs are exported`, { details: { cid: key } });
    }
    yield { cid, bytes };
  }
}

function distinct(cids: readonly CID[]): CID[] {
  const seen = new Set<string>();
  return cids.filter((cid) => {
    const key = cid.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
