/**
 * Consistency checks of a data folder at rest (no Notarium process running), for tests that
 * crash the CLI on purpose: the SQLite ledger's own integrity checks, and the embedded IPFS
 * node's pins against its blockstore.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import * as dagPb from '@ipld/dag-pb';
import type { CID } from 'multiformats/cid';
import { HeliaBackend } from '../../main/core/ipfs/index.ts';

/** What the ledger checks found. `problems` is empty when the file is sound. */
export interface LedgerCheck {
  exists: boolean;
  problems: string[];
}

/**
 * Opens the SQLite file read-only and runs `PRAGMA integrity_check` (every b-tree, index and
 * CHECK/NOT NULL constraint; https://sqlite.org/pragma.html#pragma_integrity_check) and
 * `PRAGMA foreign_key_check`. A missing file is reported as `exists: false`, not a problem; a
 * file SQLite refuses to read (SQLITE_CORRUPT, SQLITE_NOTADB) is one.
 */
export function checkLedgerFile(file: string): LedgerCheck {
  if (!existsSync(file)) return { exists: false, problems: [] };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = (db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]).map((r) => r.integrity_check);
    const foreign = db.prepare('PRAGMA foreign_key_check').all() as { table: string; rowid: number; parent: string }[];
    return {
      exists: true,
      problems: [
        ...(integrity.length === 1 && integrity[0] === 'ok' ? [] : integrity.map((m) => `integrity_check: ${m}`)),
        ...foreign.map((f) => `foreign_key_check: ${f.table} row ${f.rowid} points to a missing ${f.parent} row`),
      ],
    };
  } catch (e) {
    // SQLITE_CORRUPT and friends surface as exceptions before any row is returned.
    return { exists: true, problems: [`${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}`] };
  } finally {
    db?.close();
  }
}

/** What checkPinnedDags found. `problems` is empty when every pinned DAG is whole. */
export interface PinCheck {
  /** Pinned root CIDs (string form). */
  pins: string[];
  /** Distinct blocks reached from the pins. */
  blocks: number;
  /** Bytes of the blocks read (and verified) by this check. */
  blockBytes: number;
  problems: string[];
}

/**
 * Blocks already read and verified by an earlier checkPinnedDags, with their links: a later
 * check only asks the blockstore whether they are still there, so repeated checks of a growing
 * store cost the new blocks only.
 */
export type VerifiedBlocks = Map<string, CID[]>;

/**
 * Opens the embedded IPFS node in `ipfsDir` (`<dataDir>/ipfs`) offline and walks the DAG of
 * every pin: each block is read from disk and checked against its CID (a missing, torn or
 * altered block is a problem), dag-pb nodes are decoded and their links followed. Blocks in
 * `verified` are only checked for presence; blocks read are added to it.
 */
export async function checkPinnedDags(ipfsDir: string, verified: VerifiedBlocks = new Map()): Promise<PinCheck> {
  const backend = await HeliaBackend.open(ipfsDir, { durability: 'none' });
  const pins: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  let blockBytes = 0;
  try {
    for await (const pin of backend.helia.pins.ls()) {
      const root = pin.cid.toString();
      pins.push(root);
      const stack: CID[] = [pin.cid];
      for (let cid = stack.pop(); cid !== undefined; cid = stack.pop()) {
        const key = cid.toString();
        if (seen.has(key)) continue;
        seen.add(key);
        const known = verified.get(key);
        if (known !== undefined) {
          if (await backend.has(cid)) stack.push(...known);
          else problems.push(`pin ${root}: block ${key} (verified earlier) is gone`);
          continue;
        }
        let bytes: Uint8Array;
        try {
          bytes = await backend.getBlock(cid);
        } catch (e) {
          problems.push(`pin ${root}: block ${key}: ${(e as Error).message}`);
          continue;
        }
        blockBytes += bytes.length;
        const links = cid.code === dagPb.code ? dagPb.decode(bytes).Links.map((l) => l.Hash) : [];
        verified.set(key, links);
        stack.push(...links);
      }
    }
  } finally {
    await backend.stop();
  }
  return { pins, blocks: seen.size, blockBytes, problems };
}
