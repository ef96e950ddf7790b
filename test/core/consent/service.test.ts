/**
 * ConsentService over a real SQLite ledger file: import, history, links, decisions,
 * withdrawal and gates. (FHIR, subsets and the audit log have their own files.)
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CONSENT_CSV, harness, rejection, requireKgVcf, TODAY, type Harness } from './fixtures.ts';


function count(file: string, table: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('ConsentService', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  async function importFixture(): Promise<void> {
    const file = await h.write('consents.csv', CONSENT_CSV);
    const r = await h.service.importFile({ file });
    expect(r).toMatchObject({ format: 'csv', imported: 8, unchanged: 0, superseded: 0, subjects: 8 });
  }

  it('imports consent CSV rows; lists each subject\'s current record with its status today', async () => {
    await importFixture();
    const list = h.service.list();
    expect(list.map((r) => [r.subjectId, r.effectiveStatus, r.summary])).toEqual([
      ['S1', 'active', 'GRU'],
      ['S2', 'active', 'HMB NCU'],
      ['S3', 'active', 'DS(DOID:162)'],
      ['S4', 'active', 'DS(DOID:1324) IRB'],
      ['S5', 'active', 'POA'],
      ['S6', 'expired', 'GRU'],
      ['S7', 'active', 'HMB RS=pediatric only'],
      ['S8', 'withdrawn', 'GRU'],
    ]);
    expect(list[0]).toMatchObject({ formVersion: 'v2', documentSha256: `0x${'ab'.repeat(32)}`, validFrom: '2025-01-10', source: 'csv', current: true });
    expect(h.service.list({ status: 'expired' }).map((r) => r.subjectId)).toEqual(['S6']);
    expect(h.service.list({ term: 'NCU' }).map((r) => r.subjectId)).toEqual(['S2']);
    expect(h.service.list({ term: 'doid:1324' }).map((r) => r.subjectId)).toEqual(['S4']);
    expect(h.service.list({ limit: 2, offset: 1 }).map((r) => r.subjectId)).toEqual(['S2', 'S3']);
  });

  it('re-importing the same file changes nothing', async () => {
    await importFixture();
    const head = h.service.logEntries(1)[0]?.seq;
    const again = await h.service.importFile({ file: await h.write('again.csv', CONSENT_CSV) });
    expect(again).toMatchObject({ imported: 0, unchanged: 8 });
    expect(count(h.ledgerFile, 'consent_records')).toBe(8);
    expect(h.service.logEntries(1)[0]?.seq).toBe(head);
  });

  it('a CSV with problems imports nothing and reports every problem with its line and column', async () => {
    const bad = await h.write('bad.csv', `subject_id,permission,given_date,modifiers,valid_until,colour
S1,GRU,2025-01-01,,,red
`);
    await expect(h.service.importFile({ file: bad })).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { problems: [{ location: 'line 1, column 6', message: expect.stringContaining('unknown column "colour"') }] } });
    const rows = await h.write('rows.csv', `subject_id,permission,given_date,diseases,modifiers,valid_until,status
S1,GRU,2025-01-01,,,,
S2,XYZ,2025-01-01,,,,
S3,DS,2025-02-30,,,,
S4,HMB,2025-01-01,,TS=soon,,
,GRU,2025-01-01,,,,
S6,GRU,2025-01-01,,,,withdrawn
S7,GRU,2025-01-01,,,2024-12-31,
`);
    const err = await rejection(h.service.importFile({ file: rows }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details.problems).toEqual(
      expect.arrayContaining([
        { location: 'line 3, column permission', message: expect.stringContaining('"XYZ" is not a DUO permission') },
        { location: 'line 4, column given_date', message: expect.stringContaining('calendar date') },
        { location: 'line 4, column diseases', message: expect.stringContaining('needs at least one disease') },
        { location: 'line 5, column modifiers', message: expect.stringContaining('whole number of months') },
        { location: 'line 6, column subject_id', message: 'empty subject id' },
        { location: 'line 7, column withdrawn_date', message: expect.stringContaining('withdrawal date') },
        { location: 'line 8, column valid_until', message: expect.stringContaining('before valid from') },
      ]),
    );
    expect(count(h.ledgerFile, 'consent_records')).toBe(0);
    expect(count(h.ledgerFile, 'consent_subjects')).toBe(0);
    expect(h.service.logEntries(50).map((e) => e.kind)).toEqual(['diseases.loaded']);
  });

  it('re-consent is a new record superseding the old one; history is kept and cannot be overwritten', async () => {
    await importFixture();
    const old = h.service.list({ subjectId: 'S2' })[0];
    const r = await h.service.importFile({ file: await h.write('reconsent.csv', 'subject_id,permission,given_date,form_version\nS2,GRU,2026-03-01,v3\n') });
    expect(r).toMatchObject({ imported: 1, superseded: 1 });
    const history = h.service.list({ subjectId: 'S2', history: true });
    expect(history.map((x) => [x.status, x.summary, x.current])).toEqual([
      ['superseded', 'HMB NCU', false],
      ['active', 'GRU', true],
    ]);
    expect(history[1]?.supersedes).toBe(old?.id);
    const db = new BetterSqlite3(h.ledgerFile);
    try {
      expect(() => db.prepare("UPDATE consent_records SET scope = '{}' WHERE id = ?").run(old?.id)).toThrow(/never overwritten/);
      expect(() => db.prepare("UPDATE consent_records SET status = 'active' WHERE id = ?").run(old?.id)).toThrow(/never overwritten/);
      expect(() => db.prepare('DELETE FROM consent_records WHERE id = ?').run(old?.id)).toThrow(/never deleted/);
      expect(() => db.prepare('DELETE FROM consent_log').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(h.service.verifyLog().ok).toBe(true);
  });

  it('checks per subject, fails closed, names the subjects, offers the eligible subset and logs the decision', async () => {
    await importFixture();
    await h.service.link({ datasetId: 'ds-1', subjects: ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9'] });
    const r = h.service.check({ datasetId: 'ds-1', request: { purpose: 'HMB' } });
    expect(r.date).toBe(TODAY);
    expect(r.subjects.map((s) => [s.subjectId, s.decision, s.reasons.filter((x) => x.effect !== 'ALLOW').map((x) => x.code).join()])).toEqual([
      ['S1', 'ALLOW', ''],
      ['S2', 'ALLOW', ''],
      ['S3', 'DENY', 'PERMISSION_MISMATCH'],
      ['S4', 'DENY', 'PERMISSION_MISMATCH,ATTESTATION_MISSING'],
      ['S5', 'DENY', 'PERMISSION_MISMATCH'],
      ['S6', 'DENY', 'EXPIRED'],
      ['S7', 'REVIEW', 'RESEARCH_SPECIFIC'],
      ['S8', 'DENY', 'WITHDRAWN'],
      ['S9', 'DENY', 'NO_CONSENT'],
    ]);
    expect(r).toMatchObject({ decision: 'DENY', eligible: ['S1', 'S2'], denied: ['S3', 'S4', 'S5', 'S6', 'S8', 'S9'], review: ['S7'], counts: { ALLOW: 2, DENY: 6, REVIEW: 1 } });
    const entry = h.service.logEntries(1)[0];
    expect(entry).toMatchObject({ seq: r.logSeq, kind: 'decision', actor: 'tester', data: { datasetId: 'ds-1', decision: 'DENY', denied: r.denied, review: ['S7'], counts: r.counts } });
    const commercial = h.service.check({ datasetId: 'ds-1', request: { purpose: 'HMB', commercial: true } });
    expect(commercial.eligible).toEqual(['S1']);
  });

  it('matches DS purposes through the bundled disease hierarchy, with obligations for accepted conditions', async () => {
    await importFixture();
    await h.service.link({ datasetId: 'ds-1', subjects: ['S1', 'S3', 'S4'] });
    const lung = h.service.check({ datasetId: 'ds-1', request: { purpose: 'DS', diseases: ['DOID:3908'], attestations: { irbApproval: true } } });
    expect(lung.decision).toBe('ALLOW');
    expect(lung.obligations.map((o) => o.code)).toEqual(['IRB']);
    const breast = h.service.check({ datasetId: 'ds-1', request: { purpose: 'DS', diseases: ['DOID:1612'], attestations: { irbApproval: true } } });
    expect(breast).toMatchObject({ decision: 'DENY', eligible: ['S1', 'S3'], denied: ['S4'] });
  });

  it('a dataset with no linked subjects needs review: Notarium cannot tell it is not patient-derived', () => {
    expect(h.service.check({ datasetId: 'unlinked', request: { purpose: 'GRU' } })).toMatchObject({ decision: 'REVIEW', total: 0, summary: [{ code: 'NO_SUBJECTS' }] });
  });

  it('links subjects from a list file, a CSV column and the sample ids of the 1000 Genomes VCF', async () => {
    const list = await h.write('subjects.txt', '# cohort A\nS1\n\nS2\nS1\n');
    expect(await h.service.link({ datasetId: 'a', subjectsFile: list })).toMatchObject({ source: 'list', read: 2, added: 2, total: 2 });
    const csv = await h.write('data.csv', 'participant,age\nS3,40\nS4,51\nS3,41\n');
    expect(await h.service.link({ datasetId: 'a', csv: { file: csv, column: 'participant' } })).toMatchObject({ source: 'csv', read: 2, added: 2, total: 4 });
    await expect(h.service.link({ datasetId: 'a', csv: { file: csv, column: 'subject' } })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('participant, age') });
    const vcf = await h.service.link({ datasetId: 'kg', vcf: { file: requireKgVcf() } });
    expect(vcf).toMatchObject({ source: 'vcf', read: 629, added: 629, total: 629 });
    const kg = h.service.check({ datasetId: 'kg', request: { purpose: 'GRU' } });
    expect(kg).toMatchObject({ decision: 'DENY', total: 629, counts: { DENY: 629 } });
    expect(kg.subjects[0]?.subjectId).toBe('HG00098');
    await expect(h.service.link({ datasetId: 'a', vcf: { file: csv } })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not a VCF') });
    await expect(h.service.link({ datasetId: 'a', subjects: ['S1'], subjectsFile: list })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('withdrawal flags the linked datasets and later checks deny; withdrawing twice is refused', async () => {
    await importFixture();
    await h.service.link({ datasetId: 'ds-1', subjects: ['S1', 'S2'] });
    await h.service.link({ datasetId: 'ds-2', subjects: ['S1'] });
    expect(h.service.check({ datasetId: 'ds-1', request: { purpose: 'HMB' } }).decision).toBe('ALLOW');
    const w = h.service.withdraw({ subjectId: 'S1', scope: 'destroy', note: 'letter of 2026-06-14' });
    expect(w).toMatchObject({ subjectId: 'S1', date: TODAY, scope: 'destroy', flaggedDatasets: ['ds-1', 'ds-2'] });
    expect(h.service.flaggedDatasets().map((f) => [f.datasetId, f.subjectId, f.reason])).toEqual([
      ['ds-1', 'S1', 'withdrawn-destroy'],
      ['ds-2', 'S1', 'withdrawn-destroy'],
    ]);
    const after = h.service.check({ datasetId: 'ds-1', request: { purpose: 'HMB' } });
    expect(after).toMatchObject({ decision: 'DENY', denied: ['S1'], eligible: ['S2'] });
    expect(() => h.service.withdraw({ subjectId: 'S1' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => h.service.withdraw({ subjectId: 'nobody' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(h.service.verifyLog().ok).toBe(true);
  });

  it('gates: a DENY blocks; a REVIEW blocks unless a named person overrides with a reason, which is logged', async () => {
    await importFixture();
    await h.service.link({ datasetId: 'deny', subjects: ['S1', 'S5'] });
    await h.service.link({ datasetId: 'review', subjects: ['S1', 'S7'] });
    await h.service.link({ datasetId: 'ok', subjects: ['S1', 'S2'] });
    expect(() => h.service.assertUseAllowed('deny', { purpose: 'HMB' }, { by: 'Dr. Who', reason: 'urgent' })).toThrow(expect.objectContaining({ code: 'CONSENT_DENIED', details: expect.objectContaining({ denied: ['S5'] }) }));
    expect(() => h.service.assertUseAllowed('review', { purpose: 'HMB' })).toThrow(expect.objectContaining({ code: 'CONSENT_REVIEW_REQUIRED', details: expect.objectContaining({ review: ['S7'] }) }));
    const ov = h.service.assertUseAllowed('review', { purpose: 'HMB' }, { by: 'Dr. Jane Roe (DAC chair)', reason: 'DAC minutes 2026-06-10: pediatric-only restriction does not apply to this adult cohort analysis' }, 'share');
    expect(ov.decision).toBe('REVIEW');
    expect(ov.override).toMatchObject({ by: 'Dr. Jane Roe (DAC chair)' });
    const [o, d] = h.service.logEntries(2);
    expect(o).toMatchObject({ kind: 'decision.override', actor: 'Dr. Jane Roe (DAC chair)', data: { decisionSeq: d?.seq, gate: 'share', reason: expect.stringContaining('DAC minutes') } });
    expect(d).toMatchObject({ kind: 'decision', data: { gate: 'share', decision: 'REVIEW' } });
    expect(h.service.assertUseAllowed('ok', { purpose: 'HMB' })).toMatchObject({ decision: 'ALLOW', override: null });
    expect(() => h.service.assertUseAllowed('ok', { purpose: 'HMB', date: '2026-01-01' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('today') }));
    expect(() => h.service.assertUseAllowed('ok', { purpose: 'HMB' }, { by: ' ', reason: 'x' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('loads a user disease hierarchy, replacing the bundled one, and rejects a malformed one', async () => {
    await importFixture();
    await h.service.link({ datasetId: 'ds', subjects: ['S3'] });
    const tsv = await h.write('my.tsv', '# mine\nDOID:162\tcancer\t\nX:1\tmy cancer\tDOID:162\n');
    expect(await h.service.importFile({ file: tsv, format: 'diseases' })).toMatchObject({ format: 'diseases', terms: 2 });
    expect(h.service.check({ datasetId: 'ds', request: { purpose: 'DS', diseases: ['X:1'] } }).decision).toBe('ALLOW');
    expect(h.service.check({ datasetId: 'ds', request: { purpose: 'DS', diseases: ['DOID:1324'] } }).decision).toBe('REVIEW');
    const bad = await h.write('bad.tsv', 'DOID:1\tone\tDOID:2\nnot a term\tx\t\n');
    await expect(h.service.importFile({ file: bad, format: 'diseases' })).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { problems: expect.arrayContaining([{ location: 'line 2', message: expect.stringContaining('not a term CURIE') }, { location: 'line 1', message: expect.stringContaining('parent DOID:2') }]) } });
    expect(h.service.check({ datasetId: 'ds', request: { purpose: 'DS', diseases: ['X:1'] } }).decision).toBe('ALLOW');
  });
});
