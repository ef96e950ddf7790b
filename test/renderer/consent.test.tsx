import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConsentScreen } from '../../renderer/src/screens/ConsentScreen.tsx';
import { installFakeApi, never, type FakeApi } from './fake-api.ts';
import { STATUS, dataset, fail, ok } from './fixtures.ts';
import { renderWithProviders } from './render.tsx';

const record = (subjectId: string, summary: string, extra: Record<string, unknown> = {}) => ({
  id: `rec-${subjectId}`,
  subjectId,
  status: 'active',
  effectiveStatus: 'active',
  scope: { permission: summary.split(/[ (]/)[0], diseases: [], modifiers: [] },
  summary,
  givenDate: '2025-01-10',
  validFrom: '2025-01-10',
  validUntil: null,
  withdrawnDate: null,
  withdrawalScope: null,
  formVersion: null,
  documentSha256: null,
  supersedes: null,
  seq: 1,
  source: 'csv',
  createdAt: 1_700_000_000,
  current: true,
  ...extra,
});

const subject = (subjectId: string, decision: 'ALLOW' | 'DENY' | 'REVIEW', code = 'PERMISSION_COVERS', message = 'covered') => ({
  subjectId,
  recordId: `rec-${subjectId}`,
  decision,
  reasons: [{ code, effect: decision, message }],
  obligations: [],
});

const checkResult = {
  datasetId: 'id-1',
  date: '2026-06-15',
  decision: 'DENY',
  total: 3,
  counts: { ALLOW: 2, DENY: 1, REVIEW: 0 },
  eligible: ['S1', 'S2'],
  denied: ['S3'],
  review: [],
  obligations: [],
  summary: [{ code: 'PERMISSION_MISMATCH', effect: 'DENY', count: 1, example: 'consent is limited to research on DOID:162' }],
  subjects: [subject('S1', 'ALLOW'), subject('S2', 'ALLOW'), subject('S3', 'DENY', 'PERMISSION_MISMATCH', 'consent is limited to research on DOID:162')],
  logSeq: 7,
};

let fake: FakeApi;
beforeEach(() => {
  fake = installFakeApi();
  fake.answer('status', ok(STATUS));
  fake.answer('listDatasets', ok([dataset(1, 'Cohort')]));
  fake.answer('consentFlagged', ok([]));
});

const lastRequest = (op: string): unknown => fake.calls.filter((c) => c.op === op).at(-1)?.request;

/** Opens a Mantine Select by its label and picks an option. */
async function choose(label: string | RegExp, option: string | RegExp): Promise<void> {
  fireEvent.click(screen.getByRole('combobox', { name: label }));
  fireEvent.click(await screen.findByRole('option', { name: option }));
}

describe('Consent screen: subjects and consents', () => {
  it('loading: says so while the records are on their way', async () => {
    fake.answer('consentList', never);
    renderWithProviders(<ConsentScreen />);
    expect(await screen.findByText('Loading consent records…')).toBeTruthy();
  });

  it('empty: invites to import consent records', async () => {
    fake.answer('consentList', ok({ records: [], hasMore: false }));
    renderWithProviders(<ConsentScreen />);
    expect(await screen.findByText('No consent records yet')).toBeTruthy();
  });

  it('error: the ledger failure is explained, with a retry that lists again', async () => {
    fake.answer('consentList', fail('LEDGER_FAILED', 'disk full'));
    renderWithProviders(<ConsentScreen />);
    expect(await screen.findByText('The local ledger failed')).toBeTruthy();
    fake.answer('consentList', ok({ records: [record('S1', 'GRU')], hasMore: false }));
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByLabelText('S1 status: active')).toBeTruthy();
  });

  it('success: records with status and scope; filters by subject and DUO term; pages with "show more"', async () => {
    fake.answer('consentList', ok({ records: [record('S1', 'GRU'), record('S2', 'HMB'), record('S3', 'DS(DOID:162) NCU', { status: 'withdrawn', effectiveStatus: 'withdrawn', withdrawnDate: '2026-01-01', withdrawalScope: 'destroy' })], hasMore: true }));
    renderWithProviders(<ConsentScreen />);
    expect(await screen.findByText('DS(DOID:162) NCU')).toBeTruthy();
    expect(screen.getByLabelText('S3 status: withdrawn')).toBeTruthy();
    expect(screen.getByText(/withdrawn 2026-01-01 \(destroy\)/)).toBeTruthy();
    // Only active current records can be withdrawn.
    expect(screen.getAllByRole('button', { name: /^Withdraw the consent of/ })).toHaveLength(2);

    fireEvent.change(screen.getByLabelText('Subject id'), { target: { value: 'S2' } });
    await waitFor(() => expect(lastRequest('consentList')).toMatchObject({ subjectId: 'S2', offset: 0 }));
    await choose('DUO term', /^NCU — non-commercial use only/);
    await waitFor(() => expect(lastRequest('consentList')).toMatchObject({ subjectId: 'S2', term: 'NCU' }));

    fireEvent.click(await screen.findByRole('button', { name: 'Show 500 more' }));
    await waitFor(() => expect(lastRequest('consentList')).toMatchObject({ offset: 3 }));
  });

  it('withdrawal: asks for the scope, then reports the flagged datasets', async () => {
    fake.answer('consentList', ok({ records: [record('S1', 'GRU')], hasMore: false }));
    fake.answer('consentWithdraw', ok({ subjectId: 'S1', recordId: 'rec-S1', date: '2026-06-15', scope: 'destroy', flaggedDatasets: ['id-1'], logSeq: 9 }));
    renderWithProviders(<ConsentScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Withdraw the consent of S1' }));
    const form = screen.getByRole('region', { name: 'Withdraw the consent of S1' });
    fireEvent.click(within(form).getByLabelText('No further use and destruction'));
    fireEvent.click(within(form).getByRole('button', { name: 'Withdraw consent' }));
    expect(await within(form).findByText(/Flagged dataset\(s\): id-1/)).toBeTruthy();
    expect(lastRequest('consentWithdraw')).toEqual({ subjectId: 'S1', scope: 'destroy' });
  });

  it('import: a rejected file lists every problem with its location; a good one reports the counts', async () => {
    fake.answer('consentList', ok({ records: [], hasMore: false }));
    fake.answer('consentImport', fail('INVALID_INPUT', 'bad.csv has 2 problem(s)', { problems: [{ location: 'line 2, column given_date', message: 'expected a calendar date' }, { location: 'line 3, column permission', message: '"XYZ" is not a DUO permission' }] }));
    renderWithProviders(<ConsentScreen />);
    fireEvent.change(await screen.findByLabelText('Consent file: type a path'), { target: { value: '/c/bad.csv' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Add path' })[0] as HTMLElement);
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText('Nothing was imported: 2 problem(s)')).toBeTruthy();
    expect(screen.getByText('line 3, column permission')).toBeTruthy();
    fake.answer('consentImport', ok({ file: '/c/bad.csv', format: 'csv', imported: 3, unchanged: 1, superseded: 0, subjects: 3 }));
    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/3 new record\(s\) for 3 subject\(s\); 1 already stored/)).toBeTruthy();
    expect(lastRequest('consentImport')).toEqual({ file: '/c/bad.csv' });
  });

  it('flagged datasets are announced', async () => {
    fake.answer('consentList', ok({ records: [], hasMore: false }));
    fake.answer('consentFlagged', ok([{ datasetId: 'id-1', subjectId: 'S1', recordId: 'r', reason: 'withdrawn-destroy', flaggedAt: 1 }]));
    renderWithProviders(<ConsentScreen />);
    expect(await screen.findByText('1 dataset(s) flagged by withdrawals')).toBeTruthy();
  });
});

describe('Consent screen: check a purpose', () => {
  const openCheck = async (): Promise<void> => {
    fake.answer('consentList', ok({ records: [], hasMore: false }));
    renderWithProviders(<ConsentScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'Check a purpose' }));
    await choose(/^Dataset/, /^Cohort/);
  };

  it('loading: the Check button is busy while the decision is computed', async () => {
    fake.answer('consentCheck', never);
    await openCheck();
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Check' }).getAttribute('data-loading')).toBe('true'));
  });

  it('error: a missing dataset is explained', async () => {
    fake.answer('consentCheck', fail('NOT_FOUND', 'No dataset id-1 in the ledger, and no subjects linked to it.'));
    await openCheck();
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByText('A file or folder was not found')).toBeTruthy();
  });

  it('success: the decision with reasons, the per-subject table, and the eligible subset derived for the checked purpose', async () => {
    fake.answer('consentCheck', ok(checkResult));
    fake.answer('consentSubset', ok({ decision: { decision: 'DENY', total: 3, counts: checkResult.counts, logSeq: 8 }, subset: { out: '/o/eligible.csv', kept: 3, dropped: 1, subjects: 2, sha256: `0x${'cd'.repeat(32)}`, bytes: 1234 }, dataset: null, logSeq: 9 }));
    await openCheck();
    fireEvent.click(screen.getByLabelText(/^DS — /));
    fireEvent.change(screen.getByLabelText(/^Diseases studied/), { target: { value: 'DOID:1324, DOID:162' } });
    fireEvent.click(screen.getByLabelText('Commercial use'));
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByRole('status', { name: 'DENY' })).toBeTruthy();
    expect(lastRequest('consentCheck')).toEqual({ datasetId: 'id-1', request: expect.objectContaining({ purpose: 'DS', diseases: ['DOID:1324', 'DOID:162'], commercial: true, attestations: expect.any(Object) }) });
    expect(screen.getByText(/2 of 3 subject\(s\) allow this use; 1 deny it/)).toBeTruthy();
    expect(screen.getByText(/Recorded as audit log entry #7/)).toBeTruthy();

    const table = screen.getByRole('list', { name: 'Decision per subject' });
    expect(within(table).getAllByRole('listitem')).toHaveLength(3);
    fireEvent.click(screen.getByLabelText('DENY (1)'));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Decision per subject' })).getAllByRole('listitem')).toHaveLength(1));
    expect(screen.getByText(/PERMISSION_MISMATCH: consent is limited/)).toBeTruthy();

    // Editing the form after the check does not change the subset's purpose.
    fireEvent.click(screen.getByLabelText('Commercial use'));
    fireEvent.change(screen.getByLabelText('Dataset file: type a path'), { target: { value: '/d/visits.csv' } });
    fireEvent.keyDown(screen.getByLabelText('Dataset file: type a path'), { key: 'Enter' });
    fireEvent.change(screen.getByLabelText('Subset file: type a path'), { target: { value: '/o/eligible.csv' } });
    fireEvent.keyDown(screen.getByLabelText('Subset file: type a path'), { key: 'Enter' });
    fireEvent.change(screen.getByLabelText(/^Subject id column/), { target: { value: 'participant' } });
    fireEvent.click(screen.getByRole('button', { name: 'Derive the eligible subset' }));
    expect(await screen.findByText(/kept 3, dropped 1 rows \(2 eligible subjects/)).toBeTruthy();
    expect(lastRequest('consentSubset')).toMatchObject({ datasetId: 'id-1', format: 'csv', input: '/d/visits.csv', out: '/o/eligible.csv', column: 'participant', notarize: false, request: { purpose: 'DS', commercial: true } });
  });
});

describe('Consent screen: audit log', () => {
  const openLog = (): void => {
    fake.answer('consentList', ok({ records: [], hasMore: false }));
    renderWithProviders(<ConsentScreen />);
    fireEvent.click(screen.getByRole('tab', { name: 'Audit log' }));
  };
  const entry = (seq: number, kind: string) => ({ seq, at: 1_780_000_000, kind, actor: 'steward', data: { n: seq }, prevHash: `0x${'00'.repeat(32)}`, hash: `0x${String(seq).padStart(2, '0').repeat(32)}` });

  it('loading: says so while the log is being verified; the entries already show', async () => {
    fake.answer('consentLogVerify', never);
    fake.answer('consentLogEntries', ok({ entries: [entry(2, 'decision'), entry(1, 'consent.recorded')], hasMore: false }));
    openLog();
    expect(await screen.findByText('Verifying the audit log…')).toBeTruthy();
    expect((await screen.findAllByRole('listitem')).length).toBe(2);
  });

  it('verified: says nothing was changed and notarizes the head', async () => {
    fake.answer('consentLogVerify', ok({ ok: true, entries: 2, head: { seq: 2, hash: `0x${'02'.repeat(32)}` }, problems: [], checkpoints: [{ source: 'head-file', seq: 2, hash: `0x${'02'.repeat(32)}` }], records: 1 }));
    fake.answer('consentLogEntries', ok({ entries: [entry(2, 'decision')], hasMore: true }));
    fake.answer('consentLogAnchor', ok({ seq: 2, hash: `0x${'02'.repeat(32)}`, datasetId: 'd', root: `0x${'03'.repeat(32)}`, receiptPath: '/a/r.json', txHash: `0x${'04'.repeat(32)}`, network: 'devnet', local: true, logSeq: 3 }));
    openLog();
    expect(await screen.findByRole('status', { name: 'VERIFIED' })).toBeTruthy();
    expect(screen.getByText(/2 entries, head #2/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Load older entries' }));
    await waitFor(() => expect(lastRequest('consentLogEntries')).toEqual({ limit: 100, offset: 1 }));
    fireEvent.click(screen.getByRole('button', { name: 'Notarize the log head' }));
    expect(await screen.findByText('Head #2 notarized')).toBeTruthy();
  });

  it('tampered: NOT VERIFIED with every problem and the entry it concerns; notarizing is refused', async () => {
    fake.answer('consentLogVerify', ok({ ok: false, entries: 5, head: { seq: 5, hash: `0x${'05'.repeat(32)}` }, problems: [{ code: 'HASH_MISMATCH', seq: 3, message: 'Entry 3 does not hash to its recorded hash.' }, { code: 'RECORD_MISMATCH', seq: 2, message: 'Consent record r differs.' }], checkpoints: [], records: 1 }));
    fake.answer('consentLogEntries', ok({ entries: [], hasMore: false }));
    openLog();
    expect(await screen.findByRole('status', { name: 'NOT VERIFIED' })).toBeTruthy();
    expect(screen.getByText('HASH_MISMATCH (entry #3)')).toBeTruthy();
    expect(screen.getByText(/Consent record r differs/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Notarize the log head' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('error: a ledger failure is explained', async () => {
    fake.answer('consentLogVerify', fail('LEDGER_FAILED', 'locked'));
    fake.answer('consentLogEntries', fail('LEDGER_FAILED', 'locked'));
    openLog();
    expect((await screen.findAllByText('The local ledger failed')).length).toBeGreaterThan(0);
  });
});
