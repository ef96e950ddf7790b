import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Ledger } from '../../../main/core/ledger/index.ts';
import { migrate, schemaVersion } from '../../../main/core/ledger/migrate.ts';
import { MIGRATIONS } from '../../../main/core/ledger/migrations/index.ts';
import type { Migration } from '../../../main/core/ledger/migrations/index.ts';

function tableNames(db: BetterSqlite3.Database): string[] {
  return (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map(
    (r) => r.name,
  );
}

describe('migrate', () => {
  let tmp: string;
  let db: BetterSqlite3.Database;

  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'notarium-migrate-'));
    db = new BetterSqlite3(path.join(tmp, 'm.sqlite'));
  });
  afterEach(async () => {
    db.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('brings an empty file to the latest version with every table, and is a no-op the second time', () => {
    expect(schemaVersion(db)).toBe(0);
    expect(migrate(db, MIGRATIONS)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(tableNames(db)).toEqual([
      'anchors',
      // 002-consent
      'consent_dataset_flags',
      'consent_dataset_subjects',
      'consent_derived_datasets',
      'consent_disease_ancestors',
      'consent_disease_terms',
      'consent_log',
      'consent_log_anchors',
      'consent_records',
      'consent_subjects',
      'dataset_authors',
      'dataset_files',
      'datasets',
      'receipts',
    ]);
    expect(migrate(db, MIGRATIONS)).toEqual([]);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  });

  it('v3 fills in the anchoring of receipts kept as text in the ledger, and leaves those kept as files empty', () => {
    migrate(db, MIGRATIONS.slice(0, 2));
    db.prepare(`INSERT INTO datasets (id, title, root, manifest_digest, manifest_header_cid, manifest_payload_cid, public, file_count, total_bytes, status, created_at)
      VALUES ('d1', 't', ?, ?, 'bafkh', 'bafkp', 0, 1, 1, 'anchored', 1)`).run(`0x${'11'.repeat(32)}`, `0x${'22'.repeat(32)}`);
    const receipt = {
      network: { name: 'devnet', chainId: '31337', local: true },
      contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      anchor: { txHash: `0x${'ee'.repeat(32)}`, blockNumber: 7, blockHash: `0x${'ff'.repeat(32)}`, blockTime: 1_790_000_000 },
    };
    const insert = db.prepare(`INSERT INTO receipts (dataset_id, path, sha256, json, created_at) VALUES ('d1', ?, ?, ?, 1)`);
    insert.run('/kept-in-ledger.json', `0x${'33'.repeat(32)}`, JSON.stringify(receipt, null, 2));
    insert.run('/kept-as-file.json', `0x${'44'.repeat(32)}`, '');
    expect(migrate(db, MIGRATIONS)).toEqual(MIGRATIONS.slice(2).map((m) => m.version));
    const rows = db.prepare(`SELECT path, network_name, chain_id, network_local, contract, tx_hash, block_number, block_time FROM receipts ORDER BY id`).all();
    expect(rows).toEqual([
      { path: '/kept-in-ledger.json', network_name: 'devnet', chain_id: '31337', network_local: 1, contract: receipt.contract, tx_hash: receipt.anchor.txHash, block_number: 7, block_time: 1_790_000_000 },
      { path: '/kept-as-file.json', network_name: null, chain_id: null, network_local: null, contract: null, tx_hash: null, block_number: null, block_time: null },
    ]);
  });

  it('applies only the steps after the current version, in order', () => {
    const log: string[] = [];
    const steps: Migration[] = [1, 2, 3].map((version) => ({
      version,
      name: `step${version}`,
      up: () => {
        log.push(`step${version}`);
      },
    }));
    migrate(db, steps.slice(0, 1));
    expect(migrate(db, steps)).toEqual([2, 3]);
    expect(log).toEqual(['step1', 'step2', 'step3']);
  });

  it('rolls a failing step back entirely, keeping the version of the last good step', () => {
    const steps: Migration[] = [
      { version: 1, name: 'good', up: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 2, name: 'bad', up: 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => migrate(db, steps)).toThrow(expect.objectContaining({ code: 'LEDGER_FAILED' }));
    expect(schemaVersion(db)).toBe(1);
    expect(tableNames(db)).toEqual(['a']);
  });

  it('refuses a file written by a newer schema with LEDGER_FAILED, leaving it untouched', () => {
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    expect(() => migrate(db, MIGRATIONS)).toThrow(expect.objectContaining({ code: 'LEDGER_FAILED' }));
    expect(tableNames(db)).toEqual([]);
  });

  it('refuses a migration list that is not numbered 1..n', () => {
    expect(() => migrate(db, [{ version: 2, name: 'gap', up: '' }])).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('makes Ledger.open fail with LEDGER_FAILED on a newer ledger file', () => {
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => Ledger.open(path.join(tmp, 'm.sqlite'))).toThrow(expect.objectContaining({ code: 'LEDGER_FAILED' }));
    db = new BetterSqlite3(path.join(tmp, 'm.sqlite'));
  });
});
