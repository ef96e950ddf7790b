/**
 * `notarium consent …` and `retrieve --purpose` as a user runs them (child processes, a
 * real data folder with a real devnet, Helia and SQLite ledger): exit codes, --json,
 * typed errors with nothing written on bad input, the retrieve gate, eligible subsets
 * notarized as new datasets, log anchoring, and tampering found by `consent log verify`.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import BetterSqlite3 from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Notarium } from '../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../main/cli/bin.ts');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: <T = Record<string, unknown>>() => T;
}

describe('notarium consent CLI', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dataDir: string;
  let ledgerFile: string;
  let cohort: string;
  let cohortId: string;
  let unlinkedId: string;

  function run(args: string[], env: Record<string, string> = {}): Run {
    const r = spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      env: { ...process.env, NOTARIUM_DATA_DIR: dataDir, NOTARIUM_PASSPHRASE: TEST_PASSPHRASE, ...env },
      timeout: 120_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: <T,>() => JSON.parse(r.stdout) as T };
  }
  const errorCode = (r: Run): string => r.json<{ error: { code: string } }>().error.code;
  const logLength = (): number => run(['--json', 'consent', 'log', 'verify']).json<{ entries: number }>().entries;

  beforeAll(async () => {
    tmp = await tempDir('notarium-consent-cli-');
    dataDir = path.join(tmp.dir, 'data');
    ledgerFile = path.join(dataDir, 'ledger.sqlite');
    cohort = path.join(tmp.dir, 'cohort');
    await mkdir(cohort);
    await writeFile(path.join(cohort, 'visits.csv'), 'participant,visit,hba1c\nP1,1,5.9\nP2,1,7.1\nP3,1,6.4\nP1,2,5.7\nP4,1,6.0\n');
    const other = path.join(tmp.dir, 'other');
    await mkdir(other);
    await writeFile(path.join(other, 'notes.txt'), 'not patient data, as far as anyone recorded');
    const n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
    try {
      await n.init(TEST_PASSPHRASE);
      cohortId = (await n.notarize({ inputs: [cohort], title: 'Diabetes cohort' }, { passphrase: TEST_PASSPHRASE })).datasetId;
      unlinkedId = (await n.notarize({ inputs: [other], title: 'Unlinked notes' }, { passphrase: TEST_PASSPHRASE })).datasetId;
    } finally {
      await n.close();
    }
    await writeFile(
      path.join(tmp.dir, 'consents.csv'),
      'subject_id,permission,diseases,modifiers,given_date\nP1,GRU,,,2025-01-10\nP2,HMB,,NCU,2025-02-01\nP3,DS,DOID:9351,,2025-03-01\n',
    );
  });

  afterAll(async () => {
    await tmp.cleanup();
  });

  it('bad input: a typed error, exit 2, and nothing written', async () => {
    const before = logLength();
    const bad = path.join(tmp.dir, 'bad.csv');
    await writeFile(bad, 'subject_id,permission,given_date\nP1,GRU,2025-13-01\nP2,ZZZ,2025-01-01\n');
    const imp = run(['--json', 'consent', 'import', bad]);
    expect(imp.status).toBe(2);
    expect(imp.json<{ error: { code: string; details: { problems: { location: string }[] } } }>().error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { problems: [{ location: 'line 2, column given_date' }, { location: 'line 3, column permission' }] },
    });
    const human = run(['consent', 'import', bad]);
    expect(human.stderr).toMatch(/bad\.csv has 2 problem\(s\); nothing was imported:\n {2}- line 2, column given_date: expected a calendar date/);
    const cases: string[][] = [
      ['--json', 'consent', 'check', cohortId, '--purpose', 'DS'],
      ['--json', 'consent', 'check', cohortId, '--purpose', 'HMB', '--use-date', '2026-02-30'],
      ['--json', 'consent', 'check', cohortId, '--purpose', 'HMB', '--sensitive', 'astrology'],
      ['--json', 'consent', 'withdraw', 'P1', '--scope', 'maybe'],
      ['--json', 'consent', 'link', cohortId, '--csv', path.join(cohort, 'visits.csv')],
      ['--json', 'consent', 'link', cohortId],
      ['--json', 'consent', 'link', 'no-such-dataset', '--subject', 'P1'],
      ['--json', 'consent', 'import', path.join(tmp.dir, 'missing.csv')],
      ['--json', 'consent', 'list', '--limit', 'lots'],
      ['--json', 'consent', 'check', 'no-such-dataset', '--purpose', 'HMB'],
      ['--json', 'retrieve', cohortId, '--out', path.join(tmp.dir, 'nope'), '--purpose', 'HMB', '--override-by', 'Dr. X'],
    ];
    for (const args of cases) {
      const r = run(args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(['INVALID_INPUT', 'NOT_FOUND']).toContain(errorCode(r));
    }
    expect(run(['consent', 'check', cohortId]).stderr).toMatch(/--purpose/);
    expect(logLength()).toBe(before);
    expect(run(['--json', 'consent', 'list']).json<unknown[]>()).toEqual([]);
    await expect(readdir(path.join(tmp.dir, 'nope'))).rejects.toThrow();
  });

  it('imports, links a CSV column, checks a purpose (exit 1 on DENY), and the retrieve gate blocks before decrypting', async () => {
    expect(run(['consent', 'import', path.join(tmp.dir, 'consents.csv')]).stdout).toMatch(/Imported 3 consent record\(s\) for 3 subject\(s\)/);
    const link = run(['--json', 'consent', 'link', cohortId, '--csv', path.join(cohort, 'visits.csv'), '--column', 'participant']);
    expect(link.json()).toMatchObject({ datasetId: cohortId, source: 'csv', read: 4, added: 4, total: 4 });

    const check = run(['consent', 'check', cohortId, '--purpose', 'HMB', '--subjects']);
    expect(check.status).toBe(1);
    expect(check.stdout).toMatch(/^DENY for dataset .* 2 allow, 2 deny, 0 review \(of 4 subjects\)/);
    expect(check.stdout).toMatch(/P3\tDENY\tPERMISSION_MISMATCH/);
    expect(check.stdout).toMatch(/P4\tDENY\tNO_CONSENT/);
    const ds = run(['--json', 'consent', 'check', cohortId, '--purpose', 'DS', '--disease', 'DOID:9744']);
    expect(ds.status).toBe(1);
    expect(ds.json()).toMatchObject({ decision: 'DENY', eligible: ['P1', 'P2', 'P3'], denied: ['P4'] });

    const out = path.join(tmp.dir, 'retrieved');
    const gate = run(['--json', 'retrieve', cohortId, '--out', out, '--purpose', 'HMB']);
    expect(gate.status).toBe(3);
    expect(gate.json<{ error: { code: string; details: { denied: string[] } } }>().error).toMatchObject({ code: 'CONSENT_DENIED', details: { denied: ['P3', 'P4'] } });
    await expect(readdir(out)).rejects.toThrow();
    const [last] = run(['--json', 'consent', 'log', 'show', '--limit', '1']).json<{ kind: string; data: { gate: string } }[]>();
    expect(last).toMatchObject({ kind: 'decision', data: { gate: 'retrieve' } });
  });

  it('a REVIEW blocks retrieve until a named person overrides with a reason, which is logged', async () => {
    const out = path.join(tmp.dir, 'unlinked-out');
    const blocked = run(['--json', 'retrieve', unlinkedId, '--out', out, '--purpose', 'GRU']);
    expect(blocked.status).toBe(3);
    expect(errorCode(blocked)).toBe('CONSENT_REVIEW_REQUIRED');
    const ok = run(['--json', 'retrieve', unlinkedId, '--out', out, '--purpose', 'GRU', '--override-by', 'Dr. Ada Data (steward)', '--override-reason', 'Lab notes, no human subjects: IRB determination 2026-114']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(await readFile(path.join(out, 'notes.txt'), 'utf8')).toMatch(/not patient data/);
    const [override, decision] = run(['--json', 'consent', 'log', 'show', '--limit', '2']).json<{ kind: string; actor: string; data: Record<string, unknown> }[]>();
    expect(override).toMatchObject({ kind: 'decision.override', actor: 'Dr. Ada Data (steward)', data: { reason: expect.stringContaining('IRB determination') } });
    expect(decision).toMatchObject({ kind: 'decision', data: { decision: 'REVIEW', gate: 'retrieve', datasetId: unlinkedId } });
  });

  it('derives the eligible subset and notarizes it as a new dataset linked to its parent and its subjects', async () => {
    const out = path.join(tmp.dir, 'subset', 'visits-hmb.csv');
    await mkdir(path.dirname(out));
    const r = run(['--json', 'consent', 'subset', cohortId, '--csv', path.join(cohort, 'visits.csv'), '--column', 'participant', '--out', out, '--purpose', 'HMB', '--notarize']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = r.json<{ subset: { kept: number; dropped: number }; dataset: { datasetId: string; receiptPath: string } }>();
    expect(res.subset).toMatchObject({ kept: 3, dropped: 2 });
    expect(parse(await readFile(out, 'utf8'))).toEqual([
      ['participant', 'visit', 'hba1c'],
      ['P1', '1', '5.9'],
      ['P2', '1', '7.1'],
      ['P1', '2', '5.7'],
    ]);
    const child = res.dataset.datasetId;
    expect(run(['--json', 'datasets']).json<{ id: string }[]>().map((d) => d.id)).toContain(child);
    const childCheck = run(['--json', 'consent', 'check', child, '--purpose', 'HMB']);
    expect(childCheck.status).toBe(0);
    expect(childCheck.json()).toMatchObject({ decision: 'ALLOW', eligible: ['P1', 'P2'] });
    expect(run(['verify', out, '--receipt', res.dataset.receiptPath, '--offline']).status).toBe(0);
  });

  it('withdrawal flags the datasets and later checks deny the subject', () => {
    const w = run(['consent', 'withdraw', 'P2', '--scope', 'destroy']);
    expect(w.status).toBe(0);
    expect(w.stdout).toMatch(/Flagged datasets: .*— the subject asks that their data be destroyed/);
    const flags = run(['--json', 'consent', 'list', '--flagged']).json<{ subjectId: string; reason: string }[]>();
    expect(flags.length).toBe(2);
    expect(flags.every((f) => f.subjectId === 'P2' && f.reason === 'withdrawn-destroy')).toBe(true);
    expect(run(['--json', 'consent', 'check', cohortId, '--purpose', 'HMB']).json()).toMatchObject({ eligible: ['P1'] });
    expect(run(['--json', 'consent', 'list', '--status', 'withdrawn']).json<{ subjectId: string }[]>().map((x) => x.subjectId)).toEqual(['P2']);
  });

  it('exports FHIR R4 and anchors the log head: only {seq, hash} is notarized, no subject ids', async () => {
    const fhir = path.join(tmp.dir, 'consents.fhir.json');
    expect(run(['consent', 'export', '--out', fhir]).stdout).toMatch(/Exported 3 consent record\(s\)/);
    expect(JSON.parse(await readFile(fhir, 'utf8'))).toMatchObject({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Consent' } }, {}, {}] });

    const a = run(['--json', 'consent', 'log', 'anchor']);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    const anchor = a.json<{ seq: number; hash: string; receiptPath: string }>();
    const folder = path.dirname(anchor.receiptPath);
    const head = await readFile(path.join(folder, 'consent-log-head.json'), 'utf8');
    expect(JSON.parse(head)).toEqual({ format: 'notarium-consent-log-head', version: 1, seq: anchor.seq, hash: anchor.hash });
    expect(head).not.toMatch(/P[1-4]/);
    const receipt = await readFile(anchor.receiptPath, 'utf8');
    expect(receipt).not.toMatch(/"P[1-4]"/);
    expect(run(['verify', path.join(folder, 'consent-log-head.json'), '--receipt', anchor.receiptPath, '--offline']).status).toBe(0);
    const v = run(['--json', 'consent', 'log', 'verify']);
    expect(v.status).toBe(0);
    expect(v.json<{ checkpoints: { source: string; seq: number }[] }>().checkpoints).toContainEqual(expect.objectContaining({ source: 'anchor', seq: anchor.seq }));
  });

  it('`consent log verify` detects an entry edited, deleted or reordered directly in the SQLite file', async () => {
    const backup = path.join(tmp.dir, 'ledger.backup.sqlite');
    await copyFile(ledgerFile, backup);
    const clean = run(['consent', 'log', 'verify']);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toMatch(/Consent audit log: VERIFIED/);

    const scenarios: [name: string, sql: string[], expected: RegExp][] = [
      ['edit', ["UPDATE consent_log SET data = replace(data, '\"REVIEW\"', '\"ALLOW\"') WHERE kind = 'decision'"], /HASH_MISMATCH at entry \d+/],
      ['delete', ["DELETE FROM consent_log WHERE kind = 'decision.override'"], /SEQUENCE_GAP at entry \d+: Entries \d+–\d+ are missing/],
      ['reorder', ['UPDATE consent_log SET seq = -1 WHERE seq = 3', 'UPDATE consent_log SET seq = 3 WHERE seq = 4', 'UPDATE consent_log SET seq = 4 WHERE seq = -1'], /CHAIN_BROKEN at entry 3/],
    ];
    for (const [name, statements, expected] of scenarios) {
      const db = new BetterSqlite3(ledgerFile);
      try {
        db.exec('DROP TRIGGER consent_log_no_update; DROP TRIGGER consent_log_no_delete;');
        db.transaction(() => {
          for (const sql of statements) expect(db.prepare(sql).run().changes, name).toBeGreaterThan(0);
        })();
      } finally {
        db.close();
      }
      const r = run(['consent', 'log', 'verify']);
      expect({ name, status: r.status }).toEqual({ name, status: 1 });
      expect(r.stdout).toMatch(/NOT VERIFIED/);
      expect(r.stdout).toMatch(expected);
      await copyFile(backup, ledgerFile);
    }
    expect(run(['consent', 'log', 'verify']).status).toBe(0);
  });
});
