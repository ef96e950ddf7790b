import { describe, expect, it } from 'vitest';
import { OPERATIONS, PICK_PURPOSES, SAVE_PURPOSES, dispatch, type Handlers } from '../../../shared/api/index.ts';

describe('co-author, share and consent operations in the contract', () => {
  it('save dialogs are pick purposes too, so one pickPaths call serves both', () => {
    for (const p of SAVE_PURPOSES) expect(PICK_PURPOSES).toContain(p);
    expect(OPERATIONS.pickPaths.request.safeParse({ purpose: 'share-ticket' }).success).toBe(true);
    expect(OPERATIONS.pickPaths.request.safeParse({ purpose: 'anything' }).success).toBe(false);
  });

  it('the desktop export always names its file: no out, no call', async () => {
    let ran = false;
    const h: Partial<Handlers> = { consentExport: async () => ((ran = true), { count: 0, out: '/x' }) };
    expect(await dispatch('consentExport', {}, h)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { issues: [{ path: 'out' }] } } });
    expect(ran).toBe(false);
  });

  it('anchoring a draft waits for one confirmation by default and takes no more than 256 signature files', () => {
    expect(OPERATIONS.anchorDraft.request.parse({ draft: 'd.json' })).toEqual({ draft: 'd.json', signatures: [], confirmations: 1 });
    expect(OPERATIONS.anchorDraft.request.safeParse({ draft: 'd.json', signatures: Array.from({ length: 257 }, (_, i) => `${i}.json`) }).success).toBe(false);
    expect(OPERATIONS.signDraft.request.safeParse({ draft: 'd.json', asWallet: '0x123' }).success).toBe(false);
  });

  it('a share with a purpose is validated like a use request before anything runs', () => {
    const base = { dataset: 'id', recipient: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p' };
    expect(OPERATIONS.share.request.safeParse({ ...base, purpose: { purpose: 'DS' } }).success).toBe(false);
    expect(OPERATIONS.share.request.parse({ ...base, purpose: { purpose: 'DS', diseases: ['doid:162'] } })).toMatchObject({ purpose: { purpose: 'DS', diseases: ['DOID:162'] } });
  });

  it('responses pass only the contract fields: a check result never echoes its request, a status never leaks extra data', async () => {
    const check = { datasetId: 'd', date: '2026-06-15', decision: 'ALLOW', total: 1, counts: { ALLOW: 1, DENY: 0, REVIEW: 0 }, eligible: ['S1'], denied: [], review: [], obligations: [], summary: [], subjects: [{ subjectId: 'S1', recordId: 'r', decision: 'ALLOW', reasons: [], obligations: [] }], logSeq: 3 };
    const h: Partial<Handlers> = { consentCheck: async () => ({ ...check, request: { purpose: 'HMB' }, secret: 1 }) };
    const o = await dispatch('consentCheck', { datasetId: 'd', request: { purpose: 'HMB' } }, h);
    expect(o).toEqual({ ok: true, value: check });
  });

  it('a draft status must say, per author, one of the known signer states', () => {
    const author = { address: `0x${'12'.repeat(20)}`, state: 'signed', signatureFile: '/s.json', problem: null };
    const status = { draftPath: '/d.json', title: 't', root: `0x${'ab'.repeat(32)}`, digest: `0x${'cd'.repeat(32)}`, network: { name: 'devnet', chainId: '31337', local: true }, contract: `0x${'34'.repeat(20)}`, supersedes: null, fileCount: 1, totalBytes: 1, authors: [author], problems: [], complete: true, you: null };
    expect(OPERATIONS.draftStatus.response.safeParse(status).success).toBe(true);
    expect(OPERATIONS.draftStatus.response.safeParse({ ...status, authors: [{ ...author, state: 'probably' }] }).success).toBe(false);
  });
});

describe('unfinished notarization jobs in the contract', () => {
  const id = '0123456789abcdef';

  it('resumeJob runs like notarize: progress, cancellable, the notarize result and errors, plus DISK_FULL', () => {
    expect(OPERATIONS.resumeJob).toMatchObject({ host: 'core', progress: true });
    expect(OPERATIONS.resumeJob.response).toBe(OPERATIONS.notarize.response);
    expect([...OPERATIONS.resumeJob.errors].sort()).toEqual([...OPERATIONS.notarize.errors].sort());
    expect(OPERATIONS.resumeJob.errors).toEqual(expect.arrayContaining(['NOT_FOUND', 'DISK_FULL', 'ACCOUNT_LOCKED', 'CANCELLED']));
    expect(OPERATIONS.pendingJobs).toMatchObject({ host: 'core', progress: false });
  });

  it('a job id that is not 16 lowercase hex digits is INVALID_INPUT and the handler never runs', async () => {
    let ran = false;
    const h: Partial<Handlers> = { resumeJob: async () => ((ran = true), {}) };
    for (const bad of [{ id: id.slice(1) }, { id: `${id}0` }, { id: 'ABCDEF0123456789' }, { id: '0123456789abcdeg' }, { id: 12345678 }, {}, { id, passphrase: 'sneaked in here' }, 'string', null]) {
      expect(await dispatch('resumeJob', bad, h), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(ran).toBe(false);
    expect(OPERATIONS.resumeJob.request.parse({ id })).toEqual({ id });
  });

  it('pendingJobs answers id and last write (unix seconds) only: the journal path never crosses', async () => {
    const h: Partial<Handlers> = { pendingJobs: async () => [{ id, file: '/data/jobs/0123456789abcdef.journal', updatedAt: 1_764_470_000 }] };
    expect(await dispatch('pendingJobs', {}, h)).toEqual({ ok: true, value: [{ id, updatedAt: 1_764_470_000 }] });
    for (const wrong of [[{ id: 'nope', updatedAt: 1 }], [{ id, updatedAt: 1.5 }], [{ id, updatedAt: -1 }], [{ id }]]) {
      const bad: Partial<Handlers> = { pendingJobs: async () => wrong };
      expect(await dispatch('pendingJobs', {}, bad)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    }
  });
});
