/**
 * The devnet journal: an append-only JSON Lines file of every state-changing JSON-RPC request the
 * devnet executed, in order. EDR has no state dump; replaying these requests into a fresh network
 * built from the same genesis reproduces the chain exactly (TOOLCHAIN.md), so this file *is* the
 * devnet's state.
 *
 * Each line is written after the request ran (its outcome and the resulting head are part of the
 * entry) and before its result is returned to the caller, then fsynced: a caller never sees a
 * transaction hash that a crash could forget. A crash in the middle of a write leaves a torn last
 * line without a newline; it is dropped on open (its request's effect died with the process).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { NotariumError } from '../../../shared/errors.ts';

/** One executed request. */
export interface JournalEntry {
  /** 1-based position in the journal. */
  seq: number;
  method: string;
  params: unknown[];
  /** Block timestamp (unix seconds) set with evm_setNextBlockTimestamp just before the request, if it mines. */
  timestamp?: number;
  /** False when the request returned a JSON-RPC error (still journaled: replay must see the same). */
  ok: boolean;
  /** Head after the request: block number (0x quantity) and hash. */
  head: { number: string; hash: string };
}

function parseEntry(line: string, lineNumber: number, path: string): JournalEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    throw new NotariumError('DEVNET_REPLAY_MISMATCH', `devnet journal line ${lineNumber} is not JSON`, { details: { path, line: lineNumber }, cause: e });
  }
  const entry = value as Partial<JournalEntry> | null;
  if (
    entry === null || typeof entry !== 'object' || entry.seq !== lineNumber || typeof entry.method !== 'string' || !Array.isArray(entry.params) ||
    typeof entry.ok !== 'boolean' || typeof entry.head?.number !== 'string' || typeof entry.head.hash !== 'string' ||
    (entry.timestamp !== undefined && !Number.isSafeInteger(entry.timestamp))
  ) {
    throw new NotariumError('DEVNET_REPLAY_MISMATCH', `devnet journal line ${lineNumber} is malformed`, { details: { path, line: lineNumber } });
  }
  return entry as JournalEntry;
}

/**
 * Reads the journal at `path` (missing file = empty journal), dropping and truncating a torn last line.
 * @throws NotariumError('DEVNET_REPLAY_MISMATCH') for a line that is not a well-formed entry in sequence.
 */
export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const complete = text.lastIndexOf('\n') + 1;
  if (complete < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, complete)));
  return text
    .slice(0, complete)
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => parseEntry(line, i + 1, path));
}

/** Appends entries to a journal file. Not safe for two writers: the devnet lock guarantees one. */
export class JournalWriter {
  readonly path: string;
  #fd: number | null;
  #durable: boolean;
  #seq: number;

  /**
   * @param lastSeq seq of the last entry already in the file (0 for a new journal).
   * @param durable fsync after each entry (default true); tests of throughput may turn it off.
   */
  constructor(path: string, lastSeq: number, durable = true) {
    this.path = path;
    this.#fd = openSync(path, 'a');
    this.#durable = durable;
    this.#seq = lastSeq;
  }

  /** seq of the last entry written. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Writes one entry (its seq is assigned here) and, when durable, flushes it to disk. */
  append(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    if (this.#fd === null) throw new NotariumError('INTERNAL', 'devnet journal is closed');
    const full: JournalEntry = { seq: this.#seq + 1, ...entry };
    writeSync(this.#fd, `${JSON.stringify(full)}\n`);
    if (this.#durable) fsyncSync(this.#fd);
    this.#seq = full.seq;
    return full;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}
