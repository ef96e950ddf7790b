/**
 * Garbage collection of the embedded node's blockstore: deletes every block that no pin
 * holds, except the DAGs of adds not pinned yet and blocks written in the last
 * `graceSeconds`.
 *
 * Why not `helia.gc()`: it deletes every unpinned block, including those of an add
 * whose pin is still to come (adds and pins are separate calls). HeliaBackend passes the
 * roots its adds produced and have not been pinned (gc-gate.ts): their DAGs are kept.
 * The grace period covers what this process cannot know of: blocks another process
 * using the same folder wrote a moment ago (one process per folder is the rule, but a
 * CLI next to the desktop app happens). Otherwise this is Helia's own algorithm: under
 * the blockstore's write lock (no put, get or pin walk runs meanwhile), list the blocks,
 * keep those `pins.isPinned` reports (Helia's per-block pin records, written as a pin
 * walks its DAG), delete the rest.
 *
 * A pin only protects what `pins.add` recorded: its generator pins nothing unless it is
 * drained (HeliaBackend.pin drains it; test/core/ipfs/gc.test.ts proves the difference).
 */
import { stat } from 'node:fs/promises';
import * as dagPb from '@ipld/dag-pb';
import type { Helia } from 'helia';
import type { CID } from 'multiformats/cid';
import type { VerifiedFsBlockstore } from './verified-blockstore.ts';

/** Options of IpfsBackend.gc. */
export interface GcOptions {
  signal?: AbortSignal;
  /**
   * Unpinned blocks written less than this many seconds ago are kept: they may belong to
   * an add whose pin is still to come. Default 3600 (an hour); 0 deletes every unpinned block.
   */
  graceSeconds?: number;
}

/** What IpfsBackend.gc did. */
export interface GcResult {
  /** Unpinned blocks deleted. */
  removedBlocks: number;
  /** Their total size, in bytes. */
  removedBytes: number;
  /** Blocks kept because a pin holds them. */
  pinnedBlocks: number;
  /** Unpinned blocks kept: part of an add not pinned yet, or written within the grace period. */
  keptBlocks: number;
}

/** The default of GcOptions.graceSeconds. */
export const DEFAULT_GC_GRACE_SECONDS = 3600;

/** The lock Helia's BlockStorage takes (reads and puts: shared; gc: exclusive). Not in Helia's types. */
interface GcLock {
  writeLock(): Promise<() => void>;
}

function gcLockOf(helia: Helia): GcLock | undefined {
  const lock = (helia.blockstore as unknown as { lock?: Partial<GcLock> }).lock;
  return typeof lock?.writeLock === 'function' ? (lock as GcLock) : undefined;
}

/**
 * Deletes the blocks of `store` that no pin of `helia` holds, that are not in the DAG of
 * a root in `awaitingPin`, and that are older than the grace period (see the module
 * comment). `store` must be the blockstore under `helia`. Run it where no add or pin is
 * in flight (GcGate.exclusive).
 *
 * @throws the file-system error of a block that cannot be listed, inspected or deleted
 *   (one vanishing meanwhile is skipped); the signal's reason when aborted. Blocks
 *   deleted before an error stay deleted. `graceSeconds` is validated by the caller.
 */
export async function collectGarbage(helia: Helia, store: VerifiedFsBlockstore, awaitingPin: readonly CID[], options: GcOptions = {}): Promise<GcResult> {
  const graceMs = (options.graceSeconds ?? DEFAULT_GC_GRACE_SECONDS) * 1000;
  const startedAt = Date.now();
  const result: GcResult = { removedBlocks: 0, removedBytes: 0, pinnedBlocks: 0, keptBlocks: 0 };
  // Without the lock (a future Helia), the gate and the grace period still hold.
  const release = await gcLockOf(helia)?.writeLock();
  try {
    const kept = await dagMultihashes(store, awaitingPin, options.signal);
    for await (const { cid } of store.getAll({ signal: options.signal })) {
      options.signal?.throwIfAborted();
      if (await helia.pins.isPinned(cid, { signal: options.signal })) {
        result.pinnedBlocks++;
        continue;
      }
      const info = await statBlock(store, cid);
      if (info === null) continue;
      if (kept.has(multihashKey(cid)) || startedAt - info.mtimeMs < graceMs) {
        result.keptBlocks++;
        continue;
      }
      await store.delete(cid, { signal: options.signal });
      result.removedBlocks++;
      result.removedBytes += info.size;
    }
  } finally {
    release?.();
  }
  return result;
}

/**
 * Multihashes (hex) of every block reachable from `roots` that is stored. The blockstore
 * names files by multihash only, so listed CIDs are compared by multihash.
 */
async function dagMultihashes(store: VerifiedFsBlockstore, roots: readonly CID[], signal: AbortSignal | undefined): Promise<Set<string>> {
  const seen = new Set<string>();
  const stack = [...roots];
  for (let cid = stack.pop(); cid !== undefined; cid = stack.pop()) {
    const key = multihashKey(cid);
    if (seen.has(key)) continue;
    seen.add(key);
    if (cid.code !== dagPb.code) continue;
    let bytes: Uint8Array;
    try {
      const parts: Uint8Array[] = [];
      for await (const part of store.get(cid, { signal })) parts.push(part);
      bytes = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
    } catch (error) {
      // An add that failed half-way: keep what is there of it.
      if ((error as { code?: unknown }).code === 'NOT_FOUND') continue;
      throw error;
    }
    for (const link of dagPb.decode(bytes).Links) stack.push(link.Hash);
  }
  return seen;
}

function multihashKey(cid: CID): string {
  return Buffer.from(cid.multihash.bytes).toString('hex');
}

async function statBlock(store: VerifiedFsBlockstore, cid: CID): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    return await stat(store.blockPath(cid));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
