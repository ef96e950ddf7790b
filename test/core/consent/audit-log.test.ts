/**
 * The audit log detects tampering done directly on the SQLite file, as someone with the
 * file (not Notarium) would: drop the append-only triggers, then edit, delete, reorder or
 * truncate entries, or change a consent record behind the log's back.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { entryHash } from '../../../main/core/consent/audit-log.ts';
import { CONSENT_CSV, harness, type Harness } from './fixtures.ts';

function tamper(file: string, sql: (db: BetterSqlite3.Database) => void): void {
  const db = new BetterSqlite3(file);
  try {
    db.exec('DROP TRIGGER consent_log_no_update; DROP TRIGGER consent_log_no_delete; DROP TRIGGER consent_records_immutable; DROP TRIGGER consent_records_no_delete;');
    sql(db);
  } finally {
    db.close();
  }
}

describe('consent audit log', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.service.importFile({ file: await h.write('c.csv', CONSENT_CSV) });
    await h.service.link({ datasetId: 'ds', subjects: ['S1', 'S2', 'S3'] });
    h.service.check({ datasetId: 'ds', request: { purpose: 'HMB' } });
    h.service.withdraw({ subjectId: 'S2' });
    h.reopen();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const codes = (): string[] => [...new Set(h.service.verifyLog().problems.map((p) => p.code))];

  it('verifies an untouched log: every change and decision is an entry, each committing to the one before', () => {
    const report = h.service.verifyLog();
    expect(report).toMatchObject({ ok: true, problems: [], records: 8 });
    expect(report.entries).toBe(1 + 8 + 1 + 1 + 1);
    expect(report.checkpoints).toEqual([{ source: 'head-file', seq: report.entries, hash: report.head?.hash }]);
    const kinds = h.service.logEntries(100).reverse().map((e) => e.kind);
    expect(kinds).toEqual(['diseases.loaded', ...Array(8).fill('consent.recorded'), 'datasets.linked', 'decision', 'consent.status']);
    const [second, first] = h.service.logEntries(2, report.entries - 2);
    expect(second?.prevHash).toBe(first?.hash);
    if (second !== undefined) expect(entryHash(second)).toBe(second.hash);
  });

  it('detects an edited entry', () => {
    tamper(h.ledgerFile, (db) => db.prepare("UPDATE consent_log SET data = replace(data, '\"HMB\"', '\"GRU\"') WHERE kind = 'decision'").run());
    const r = h.service.verifyLog();
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'HASH_MISMATCH', seq: 11 })]);
  });

  it('detects a deleted entry', () => {
    tamper(h.ledgerFile, (db) => db.prepare('DELETE FROM consent_log WHERE seq = 5').run());
    expect(codes()).toEqual(expect.arrayContaining(['SEQUENCE_GAP', 'CHAIN_BROKEN', 'RECORD_UNLOGGED']));
  });

  it('detects reordered entries', () => {
    tamper(h.ledgerFile, (db) => {
      const swap = db.transaction(() => {
        db.prepare('UPDATE consent_log SET seq = -1 WHERE seq = 10').run();
        db.prepare('UPDATE consent_log SET seq = 10 WHERE seq = 11').run();
        db.prepare('UPDATE consent_log SET seq = 11 WHERE seq = -1').run();
      });
      swap();
    });
    expect(codes()).toEqual(expect.arrayContaining(['HASH_MISMATCH', 'CHAIN_BROKEN']));
  });

  it('detects removed newest entries through the head file', () => {
    tamper(h.ledgerFile, (db) => db.prepare('DELETE FROM consent_log WHERE seq = (SELECT max(seq) FROM consent_log)').run());
    expect(codes()).toContain('CHECKPOINT_MISSING');
  });

  it('detects a consistently rewritten chain through the head file (anchors on-chain do the same, beyond reach)', () => {
    tamper(h.ledgerFile, (db) => {
      const rows = db.prepare('SELECT seq, at, kind, actor, data FROM consent_log ORDER BY seq').all() as { seq: number; at: number; kind: string; actor: string | null; data: string }[];
      let prev = `0x${'0'.repeat(64)}`;
      for (const r of rows) {
        const data = JSON.parse(r.kind === 'decision' ? r.data.replace('"HMB"', '"GRU"') : r.data) as unknown;
        const hash = entryHash({ seq: r.seq, at: r.at, kind: r.kind, actor: r.actor, data, prevHash: prev });
        db.prepare('UPDATE consent_log SET data = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(JSON.stringify(data), prev, hash, r.seq);
        prev = hash;
      }
    });
    expect(codes()).toEqual(['CHECKPOINT_MISMATCH']);
  });

  it('detects a consent record changed or added behind the log\'s back', () => {
    tamper(h.ledgerFile, (db) => {
      db.prepare("UPDATE consent_records SET valid_until = '2099-12-31' WHERE subject_id = 'S6'").run();
      db.prepare("UPDATE consent_records SET status = 'active', withdrawn_date = NULL, withdrawal_scope = NULL WHERE subject_id = 'S2'").run();
      db.prepare("INSERT INTO consent_subjects (id, created_at) VALUES ('S99', 0)").run();
      db.prepare(
        "INSERT INTO consent_records (id, subject_id, status, permission, scope, given_date, valid_from, source, created_at) VALUES ('forged', 'S99', 'active', 'GRU', '{\"diseases\":[],\"modifiers\":[],\"permission\":\"GRU\"}', '2025-01-01', '2025-01-01', 'api', 0)",
      ).run();
    });
    const r = h.service.verifyLog();
    expect(r.problems.map((p) => [p.code, p.message.match(/record (\S+)/)?.[1]])).toEqual([
      ['RECORD_MISMATCH', expect.any(String)],
      ['RECORD_MISMATCH', expect.any(String)],
      ['RECORD_UNLOGGED', 'forged'],
    ]);
    expect(r.problems[0]?.message).toMatch(/status, withdrawnDate, withdrawalScope|validUntil/);
  });
});
