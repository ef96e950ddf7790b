/**
 * All-or-nothing CAR import into the embedded node's blockstore: stage, verify, commit.
 *
 * Blocks that pass their hash check are written to a fresh scratch store under the
 * node's `staging/` folder (same file system, no fsync: it is thrown away on failure).
 * Only when the whole file has been read and every root's DAG found complete
 * (car-import.ts) are the staged files renamed into the blockstore, fsynced, and the
 * folder flushed. A rejected CAR leaves the blockstore exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CID } from 'multiformats/cid';
import type { CarImportOptions, CarImportResult } from './backend.ts';
import { readVerifiedCar } from './car-import.ts';
import { toIpfsError } from './errors.ts';
import { FOLDER_MODE } from '../fs/durable-files.ts';
import { VerifiedFsBlockstore } from './verified-blockstore.ts';

/**
 * Imports the CAR file `file` into `store` through a scratch folder under `stagingRoot`
 * (created if needed, on the same file system as `store`). Does not pin.
 *
 * @throws the errors of readVerifiedCar (nothing stored then); NotariumError
 *   ('IPFS_FAILED') if the commit fails, in which case some verified blocks may already
 *   be in the blockstore, unpinned (harmless: they match their CIDs).
 */
export async function importCarStaged(file: string, store: VerifiedFsBlockstore, stagingRoot: string, options: CarImportOptions = {}): Promise<CarImportResult> {
  await mkdir(stagingRoot, { recursive: true, mode: FOLDER_MODE });
  const folder = path.join(stagingRoot, `car-${randomBytes(8).toString('hex')}`);
  const staging = new VerifiedFsBlockstore(folder, 'none');
  const staged: CID[] = [];
  try {
    await staging.open();
    const local = {
      has: (cid: CID) => store.has(cid),
      getBlock: async (cid: CID) => {
        const parts: Uint8Array[] = [];
        for await (const part of store.get(cid)) parts.push(part);
        return Buffer.concat(parts);
      },
    };
    const result = await readVerifiedCar(file, local, {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      stage: async (cid, bytes) => {
        // One file per multihash: the same bytes under two codecs are one block.
        if (await staging.has(cid)) return;
        await staging.put(cid, bytes);
        staged.push(cid);
      },
    });
    try {
      for (const cid of staged) await store.adopt(cid, staging.blockPath(cid));
      await store.flush();
    } catch (error) {
      throw toIpfsError(error, `cannot store the blocks of ${file}`, { path: file });
    }
    return result;
  } finally {
    await staging.close().catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
}
