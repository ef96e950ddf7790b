import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openDatabase } from '../../../main/core/ledger/connection.ts';

describe('openDatabase', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'notarium-conn-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('opens in WAL mode with foreign keys on, synchronous FULL and the busy timeout set', () => {
    const db = openDatabase(path.join(tmp, 'l.sqlite'), { busyTimeoutMs: 1234 });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    } finally {
      db.close();
    }
  });

  it.skipIf(process.platform === 'win32')('creates the file and its WAL with mode 0600 (they hold the salts)', async () => {
    const file = path.join(tmp, 'l.sqlite');
    const db = openDatabase(file);
    try {
      db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(`${file}-wal`)).mode & 0o777).toBe(0o600);
    } finally {
      db.close();
    }
  });

  it('fails with LEDGER_FAILED on a file that is not SQLite', async () => {
    const file = path.join(tmp, 'not.sqlite');
    await writeFile(file, 'this is not a database, just some text long enough to have a header'.repeat(20));
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ code: 'LEDGER_FAILED' }));
  });
});
