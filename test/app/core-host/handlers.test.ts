/**
 * The core worker's handlers of the co-author, share and consent operations, driven
 * through the contract's dispatch (request parsed, response parsed by its schema) over
 * real services: SQLite ledger, embedded Helia, in-process devnet, temp data folders.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreHandlers, type CoreState } from '../../../main/app/core-host/handlers.ts';
import { FeePrompts } from '../../../main/app/core-host/fee-prompts.ts';
import { PassphraseSession } from '../../../main/app/core-host/session.ts';
import { Notarium } from '../../../main/core/notarium.ts';
import { dispatch, type OperationName, type Outcome, type RequestOf, type ResponseOf } from '../../../shared/api/index.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';

interface Core {
  state: CoreState;
  call<K extends OperationName>(op: K, req: RequestOf<K>): Promise<Outcome<ResponseOf<K>>>;
  ok<K extends OperationName>(op: K, req: RequestOf<K>): Promise<ResponseOf<K>>;
}

async function openCore(dataDir: string): Promise<Core> {
  const state: CoreState = {
    notarium: await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N, pollIntervalMs: 20 }),
    session: new PassphraseSession(),
    running: new Map(),
    reopen: async () => undefined,
    fees: new FeePrompts(),
    askFee: async () => false,
  };
  const handlers = createCoreHandlers(state);
  const call = async <K extends OperationName>(op: K, req: RequestOf<K>): Promise<Outcome<ResponseOf<K>>> => (await dispatch(op, req, handlers)) as Outcome<ResponseOf<K>>;
  return {
    state,
    call,
    ok: async (op, req) => {
      const o = await call(op, req);
      if (!o.ok) throw new Error(`${op} failed: ${o.error.code} ${o.error.message}`);
      return o.value;
    },
  };
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
let core: Core;
let cohort: string;
let datasetId: string;

beforeAll(async () => {
  tmp = await tempDir('notarium-handlers-');
  cohort = path.join(tmp.dir, 'cohort');
  await mkdir(cohort);
  await writeFile(path.join(cohort, 'visits.csv'), 'participant,visit,hba1c\nS1,1,5.9\nS2,1,7.1\nS3,1,6.4\nS1,2,5.7\n');
  core = await openCore(path.join(tmp.dir, 'owner'));
  await core.ok('createAccount', { passphrase: TEST_PASSPHRASE });
  datasetId = (await core.ok('notarize', { inputs: [cohort], title: 'Cohort' })).datasetId;
  await writeFile(path.join(tmp.dir, 'consents.csv'), 'subject_id,permission,diseases,modifiers,given_date\nS1,GRU,,,2025-01-10\nS2,HMB,,,2025-02-01\nS3,DS,DOID:162,NCU,2025-03-01\n');
});

afterAll(async () => {
  await core?.state.notarium.close();
  await tmp?.cleanup();
});

describe('consent operations', () => {
  it('import then link a CSV column: records and links are counted', async () => {
    expect(await core.ok('consentImport', { file: path.join(tmp.dir, 'consents.csv') })).toMatchObject({ format: 'csv', imported: 3, subjects: 3 });
    expect(await core.ok('consentLink', { datasetId, csv: { file: path.join(cohort, 'visits.csv'), column: 'participant' } })).toMatchObject({ source: 'csv', read: 3, added: 3, total: 3 });
  });

  it('a malformed import answers INVALID_INPUT with each problem located, and imports nothing', async () => {
    const bad = path.join(tmp.dir, 'bad.csv');
    await writeFile(bad, 'subject_id,permission,given_date\nS9,GRU,not-a-date\n');
    const o = await core.call('consentImport', { file: bad });
    expect(o).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { problems: [{ location: expect.stringMatching(/line 2/) }] } } });
    expect((await core.ok('consentList', { subjectId: 'S9' })).records).toEqual([]);
  });

  it('lists filtered by status and DUO term, and pages with hasMore', async () => {
    expect((await core.ok('consentList', { status: 'active' })).records.map((r) => r.subjectId)).toEqual(['S1', 'S2', 'S3']);
    const ncu = await core.ok('consentList', { term: 'NCU' });
    expect(ncu.records.map((r) => [r.subjectId, r.summary])).toEqual([['S3', 'DS(DOID:162) NCU']]);
    expect(await core.ok('consentList', { limit: 2 })).toMatchObject({ hasMore: true, records: [{ subjectId: 'S1' }, { subjectId: 'S2' }] });
    expect((await core.ok('consentList', { limit: 2, offset: 2 })).hasMore).toBe(false);
  });

  it('checks a purpose: per-subject decisions with reasons and the eligible subset, logged', async () => {
    const r = await core.ok('consentCheck', { datasetId, request: { purpose: 'HMB' } });
    expect(r).toMatchObject({ decision: 'DENY', total: 3, counts: { ALLOW: 2, DENY: 1, REVIEW: 0 }, eligible: ['S1', 'S2'], denied: ['S3'] });
    expect(r.subjects.find((s) => s.subjectId === 'S3')?.reasons.map((x) => x.code)).toContain('PERMISSION_MISMATCH');
    expect(r.logSeq).toBeGreaterThan(0);
    expect('request' in r).toBe(false);
  });

  it('derives the eligible subset of the notarized CSV', async () => {
    const input = path.join(tmp.dir, 'visits-copy.csv');
    await copyFile(path.join(cohort, 'visits.csv'), input);
    const out = path.join(tmp.dir, 'eligible.csv');
    const r = await core.ok('consentSubset', { datasetId, request: { purpose: 'HMB' }, format: 'csv', input, column: 'participant', out });
    expect(r).toMatchObject({ decision: { decision: 'DENY', counts: { ALLOW: 2 } }, subset: { out, kept: 3, dropped: 1, subjects: 2 }, dataset: null });
    expect(await readFile(out, 'utf8')).toBe('participant,visit,hba1c\nS1,1,5.9\nS2,1,7.1\nS1,2,5.7\n');
  });

  it('shares through the consent gate: DENY is refused with the decision, an allowed purpose writes the ticket', async () => {
    const recipient = (await core.ok('status', {})).account?.recipient as string;
    const denied = await core.call('share', { dataset: datasetId, recipient, purpose: { purpose: 'HMB' }, out: path.join(tmp.dir, 'no.json') });
    expect(denied).toMatchObject({ ok: false, error: { code: 'CONSENT_DENIED', details: { decision: 'DENY', denied: ['S3'] } } });
    expect(existsSync(path.join(tmp.dir, 'no.json'))).toBe(false);
    const out = path.join(tmp.dir, 'ticket.json');
    const r = await core.ok('share', { dataset: datasetId, recipient, purpose: { purpose: 'DS', diseases: ['DOID:162'] }, out });
    expect(r).toMatchObject({ ticketPath: out, title: 'Cohort', recipient, fileCount: 1 });
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ format: 'notarium-share-ticket', recipient });
  });

  it('withdraws: the dataset is flagged and later checks deny the subject', async () => {
    expect(await core.ok('consentWithdraw', { subjectId: 'S1', scope: 'destroy' })).toMatchObject({ subjectId: 'S1', scope: 'destroy', flaggedDatasets: [datasetId] });
    expect(await core.ok('consentFlagged', {})).toMatchObject([{ datasetId, subjectId: 'S1', reason: 'withdrawn-destroy' }]);
    const r = await core.ok('consentCheck', { datasetId, request: { purpose: 'DS', diseases: ['DOID:162'] } });
    expect(r.subjects.find((s) => s.subjectId === 'S1')).toMatchObject({ decision: 'DENY', reasons: [{ code: 'WITHDRAWN' }] });
  });

  it('exports a FHIR Bundle to the chosen file, never over an existing one', async () => {
    const out = path.join(tmp.dir, 'consents.fhir.json');
    expect(await core.ok('consentExport', { out })).toEqual({ count: 3, out });
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ resourceType: 'Bundle' });
    expect(await core.call('consentExport', { out })).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    expect(await core.call('consentExport', {} as RequestOf<'consentExport'>)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('verifies the audit log, pages its entries newest first, and notarizes its head', async () => {
    const v = await core.ok('consentLogVerify', {});
    expect(v).toMatchObject({ ok: true, problems: [], records: 3 });
    const page = await core.ok('consentLogEntries', { limit: 2 });
    expect(page.entries).toHaveLength(2);
    expect(page.hasMore).toBe(true);
    expect((page.entries[0]?.seq ?? 0) > (page.entries[1]?.seq ?? 0)).toBe(true);
    expect(page.entries[0]?.seq).toBe(v.head?.seq);

    const locked = await core.call('consentLogAnchor', {});
    expect(locked).toMatchObject({ ok: true });
    core.state.session.clear();
    expect(await core.call('consentLogAnchor', {})).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    core.state.session.set(TEST_PASSPHRASE);
    const verified = await core.ok('consentLogVerify', {});
    expect(verified.checkpoints.some((c) => c.source === 'anchor')).toBe(true);
  });
});

describe('co-author operations', () => {
  let coauthor: Core;
  let coauthorAddress: string;
  let me: string;
  let draftPath: string;

  beforeAll(async () => {
    coauthor = await openCore(path.join(tmp.dir, 'coauthor'));
    coauthorAddress = (await coauthor.ok('createAccount', { passphrase: TEST_PASSPHRASE })).address;
    me = (await core.ok('status', {})).account?.address as string;
  });
  afterAll(async () => {
    await coauthor?.state.notarium.close();
  });

  it('exports a draft naming the authors; its status shows the submitter and who is missing', async () => {
    const data = path.join(tmp.dir, 'paper');
    await mkdir(data);
    await writeFile(path.join(data, 'table.csv'), 'a,b\n1,2\n');
    await mkdir(path.join(tmp.dir, 'drafts'));
    const d = await core.ok('draft', { inputs: [data], title: 'Joint paper data', authors: [{ address: me, name: 'Ada' }, { address: coauthorAddress, name: 'Grace', orcid: '0000-0002-1825-0097' }], out: path.join(tmp.dir, 'drafts', 'paper.notarium-draft.json') });
    draftPath = d.draftPath;
    expect(d).toMatchObject({ title: 'Joint paper data', fileCount: 1, authors: [{ name: 'Ada' }, { name: 'Grace', orcid: '0000-0002-1825-0097' }] });
    const s = await core.ok('draftStatus', { draft: draftPath });
    expect(s).toMatchObject({ title: 'Joint paper data', complete: false, you: me, problems: [] });
    expect(s.authors.map((a) => a.state)).toEqual(['submitter', 'missing']);
  }, 60_000);

  it('anchoring before every co-author signed answers SIGNATURE_INVALID naming who is missing', async () => {
    const o = await core.call('anchorDraft', { draft: draftPath });
    expect(o).toMatchObject({ ok: false, error: { code: 'SIGNATURE_INVALID', details: { missing: [coauthorAddress] } } });
  });

  it('the co-author signs offline; the signature next to the draft is found, a foreign one is reported', async () => {
    coauthor.state.session.clear();
    expect(await coauthor.call('signDraft', { draft: draftPath })).toMatchObject({ ok: false, error: { code: 'ACCOUNT_LOCKED' } });
    coauthor.state.session.set(TEST_PASSPHRASE);
    const signed = await coauthor.ok('signDraft', { draft: draftPath });
    expect(signed.signer).toBe(coauthorAddress);
    expect(path.dirname(signed.signaturePath)).toBe(path.dirname(draftPath));

    const foreign = path.join(tmp.dir, 'foreign.notarium-signature.json');
    await writeFile(foreign, JSON.stringify({ ...JSON.parse(await readFile(signed.signaturePath, 'utf8')), root: `0x${'11'.repeat(32)}` }));
    const s = await core.ok('draftStatus', { draft: draftPath, signatures: [foreign] });
    expect(s.authors.map((a) => [a.state, a.signatureFile])).toEqual([['submitter', null], ['signed', signed.signaturePath]]);
    expect(s.complete).toBe(true);
    expect(s.problems).toEqual([{ file: foreign, message: expect.stringMatching(/signs another dataset/) }]);
  });

  it('anchors once every author has signed and answers the receipt', async () => {
    const s = await core.ok('draftStatus', { draft: draftPath });
    const signatures = s.authors.flatMap((a) => (a.signatureFile === null ? [] : [a.signatureFile]));
    const r = await core.ok('anchorDraft', { draft: draftPath, signatures });
    expect(r).toMatchObject({ local: true, fileCount: 1 });
    expect(JSON.parse(await readFile(r.receiptPath, 'utf8')).authors.map((a: { address: string }) => a.address)).toEqual([me, coauthorAddress]);
  }, 60_000);
});
