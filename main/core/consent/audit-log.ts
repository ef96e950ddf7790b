/**
 * The consent audit log: an append-only, hash-chained list of every consent change and
 * every decision, in the `consent_log` table.
 *
 * Entry n stores `hash_n = SHA-256(RFC 8785 JSON of {v: 1, seq: n, at, kind, actor,
 * data, prev: hash_{n-1}})` (hash_0 = 32 zero bytes), as `0x` + 64 hex. Editing an entry
 * changes its hash; deleting or reordering entries breaks the `prev` links or the
 * 1, 2, 3... numbering. Removing the newest entries leaves a shorter valid chain: that
 * is caught by checkpoints kept outside the table (the head file written after every
 * append, and the heads notarized on-chain with `consent log anchor`).
 */
import { createHash } from 'node:crypto';

import type BetterSqlite3 from 'better-sqlite3';
import canonicalize from 'canonicalize';

import { NotariumError } from '../../../shared/errors.ts';

export const ZERO_HASH = `0x${'0'.repeat(64)}`;

export interface LogEntry {
  seq: number;
  /** Unix seconds. */
  at: number;
  kind: string;
  actor: string | null;
  data: unknown;
  prevHash: string;
  hash: string;
}

/** A known (seq, hash) pair that the log must still contain. */
export interface Checkpoint {
  source: 'head-file' | 'anchor';
  seq: number;
  hash: string;
  /** For anchors: the notarized dataset holding this head. */
  datasetId?: string;
}

export const LOG_PROBLEM_CODES = ['HASH_MISMATCH', 'CHAIN_BROKEN', 'SEQUENCE_GAP', 'BAD_ENTRY', 'CHECKPOINT_MISSING', 'CHECKPOINT_MISMATCH', 'RECORD_MISMATCH', 'RECORD_UNLOGGED'] as const;
export type LogProblemCode = (typeof LOG_PROBLEM_CODES)[number];

export interface LogProblem {
  code: LogProblemCode;
  /** The entry concerned, when there is one. */
  seq: number | null;
  message: string;
}

/**
 * Hash of an entry whose `data` is already RFC 8785 text: the envelope's keys are written
 * in RFC 8785 order around it (strings and integers serialize as JSON.stringify does, as
 * RFC 8785 §3.2.2 requires), so appending never canonicalizes the data twice.
 */
export function entryHashOfText(e: { seq: number; at: number; kind: string; actor: string | null; prevHash: string }, dataText: string): string {
  if (!Number.isSafeInteger(e.seq) || !Number.isSafeInteger(e.at)) throw new NotariumError('INTERNAL', 'audit entry seq and time must be integers');
  const text = `{"actor":${JSON.stringify(e.actor)},"at":${e.at},"data":${dataText},"kind":${JSON.stringify(e.kind)},"prev":${JSON.stringify(e.prevHash)},"seq":${e.seq},"v":1}`;
  return `0x${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** Hash of an entry (see the module comment): SHA-256 of the RFC 8785 JSON of {v: 1, seq, at, kind, actor, data, prev}. */
export function entryHash(e: Omit<LogEntry, 'hash'>): string {
  const dataText = canonicalize(e.data);
  if (dataText === undefined) throw new NotariumError('INTERNAL', 'audit entry cannot be canonicalized');
  return entryHashOfText(e, dataText);
}

interface Row {
  seq: number;
  at: number;
  kind: string;
  actor: string | null;
  data: string;
  prevHash: string;
  hash: string;
}

export class AuditLog {
  private readonly db: BetterSqlite3.Database;
  private readonly insertStmt;
  private readonly headStmt;
  private readonly pageStmt;
  private readonly iterStmt;
  private headCache: { seq: number; hash: string } | undefined;

  constructor(db: BetterSqlite3.Database) {
    this.db = db;
    this.insertStmt = db.prepare<[number, number, string, string | null, string, string, string]>(
      'INSERT INTO consent_log (seq, at, kind, actor, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.headStmt = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM consent_log ORDER BY seq DESC LIMIT 1');
    this.pageStmt = db.prepare<[number, number], Row>(
      'SELECT seq, at, kind, actor, data, prev_hash AS prevHash, hash FROM consent_log ORDER BY seq DESC LIMIT ? OFFSET ?',
    );
    this.iterStmt = db.prepare<[], Row>('SELECT seq, at, kind, actor, data, prev_hash AS prevHash, hash FROM consent_log ORDER BY rowid');
  }

  /** The newest entry's (seq, hash), or null for an empty log. */
  head(): { seq: number; hash: string } | null {
    return this.headStmt.get() ?? null;
  }

  /**
   * Appends one entry; call inside the transaction that makes the change, so the change
   * and its log entry commit together. `data` must be JSON (no undefined, no bigint).
   * @returns the entry.
   */
  append(kind: string, data: unknown, actor: string | null, at: number): LogEntry {
    if (!this.db.inTransaction) throw new NotariumError('INTERNAL', 'audit entries are appended inside the change\'s transaction');
    const head = this.headCache ?? this.head() ?? { seq: 0, hash: ZERO_HASH };
    const entry = { seq: head.seq + 1, at, kind, actor, data, prevHash: head.hash };
    const text = canonicalize(data);
    if (text === undefined) throw new NotariumError('INTERNAL', `audit data of ${kind} is not JSON`);
    const hash = entryHashOfText(entry, text);
    this.insertStmt.run(entry.seq, at, kind, actor, text, entry.prevHash, hash);
    this.headCache = { seq: entry.seq, hash };
    return { ...entry, hash };
  }

  /** Forgets the cached head (after a rolled-back transaction). */
  resetHead(): void {
    this.headCache = undefined;
  }

  /** Entries newest first. */
  page(limit: number, offset: number): LogEntry[] {
    return this.pageStmt.all(limit, offset).map((r) => ({ ...r, data: JSON.parse(r.data) as unknown }));
  }

  /**
   * Checks the whole chain in storage order and that every checkpoint is still in it.
   * `onEntry` sees each entry whose own hash is right (to cross-check the tables).
   */
  verify(checkpoints: readonly Checkpoint[], onEntry?: (e: LogEntry) => void): { entries: number; head: { seq: number; hash: string } | null; problems: LogProblem[] } {
    const problems: LogProblem[] = [];
    const bySeq = new Map<number, string>();
    let prev: { seq: number; hash: string } = { seq: 0, hash: ZERO_HASH };
    let count = 0;
    for (const row of this.iterStmt.iterate()) {
      count++;
      let data: unknown;
      try {
        data = JSON.parse(row.data);
      } catch {
        problems.push({ code: 'BAD_ENTRY', seq: row.seq, message: `Entry ${row.seq} does not hold JSON data.` });
        prev = { seq: row.seq, hash: row.hash };
        continue;
      }
      const e: LogEntry = { ...row, data };
      if (e.seq !== prev.seq + 1) {
        problems.push({
          code: 'SEQUENCE_GAP',
          seq: e.seq,
          message: e.seq > prev.seq + 1 ? `Entries ${prev.seq + 1}–${e.seq - 1} are missing (deleted?).` : `Entry ${e.seq} comes after entry ${prev.seq} (reordered?).`,
        });
      }
      if (e.prevHash !== prev.hash) problems.push({ code: 'CHAIN_BROKEN', seq: e.seq, message: `Entry ${e.seq} does not commit to the hash of the entry before it.` });
      const hash = entryHash(e);
      if (hash !== e.hash) problems.push({ code: 'HASH_MISMATCH', seq: e.seq, message: `Entry ${e.seq} (${e.kind}) was changed after it was written: its content hashes to ${hash}, not the stored ${e.hash}.` });
      else onEntry?.(e);
      bySeq.set(e.seq, e.hash);
      prev = { seq: e.seq, hash: e.hash };
    }
    for (const c of checkpoints) {
      const h = bySeq.get(c.seq);
      const where = c.source === 'anchor' ? `notarized head (dataset ${c.datasetId ?? '?'})` : 'head file';
      if (h === undefined) problems.push({ code: 'CHECKPOINT_MISSING', seq: c.seq, message: `The ${where} names entry ${c.seq}, which the log no longer has (entries deleted?).` });
      else if (h !== c.hash) problems.push({ code: 'CHECKPOINT_MISMATCH', seq: c.seq, message: `The ${where} records entry ${c.seq} with hash ${c.hash}; the log has ${h}.` });
    }
    return { entries: count, head: count === 0 ? null : prev, problems };
  }
}
