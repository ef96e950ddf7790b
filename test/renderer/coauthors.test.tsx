import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { CoauthorsScreen } from '../../renderer/src/screens/CoauthorsScreen.tsx';
import { installFakeApi, never, type FakeApi } from './fake-api.ts';
import { CO_ADDRESS, MY_ADDRESS, ROOT, STATUS, fail, ok } from './fixtures.ts';
import { renderWithProviders } from './render.tsx';

const navigate = () => undefined;

const draftStatus = (states: ['submitter' | 'signed' | 'missing' | 'invalid', 'submitter' | 'signed' | 'missing' | 'invalid'], extra: Record<string, unknown> = {}) => ({
  draftPath: '/d/paper.notarium-draft.json',
  title: 'Joint paper data',
  root: ROOT,
  digest: ROOT,
  network: { name: 'devnet', chainId: '31337', local: true },
  contract: CO_ADDRESS,
  supersedes: null,
  fileCount: 3,
  totalBytes: 3000,
  authors: [
    { address: MY_ADDRESS, name: 'Ada', state: states[0], signatureFile: states[0] === 'signed' ? '/d/ada.notarium-signature.json' : null, problem: null },
    { address: CO_ADDRESS, name: 'Grace', orcid: '0000-0002-1825-0097', state: states[1], signatureFile: states[1] === 'signed' || states[1] === 'invalid' ? '/d/grace.notarium-signature.json' : null, problem: states[1] === 'invalid' ? 'signs another version of this draft' : null },
  ],
  problems: [],
  complete: states.every((s) => s === 'signed' || s === 'submitter'),
  you: MY_ADDRESS,
  ...extra,
});

const receipt = { datasetId: 'ds', root: ROOT, manifestDigest: ROOT, receiptPath: '/d/paper.notarium-receipt.json', fileCount: 3, totalBytes: 3000, bytesPerSecond: 0, network: 'devnet', chainId: '31337', local: true, contract: CO_ADDRESS, txHash: ROOT, blockNumber: 5, blockTime: 1_780_000_000, gasUsed: '60000', warnings: [] };

let fake: FakeApi;
beforeEach(() => {
  fake = installFakeApi();
  fake.answer('status', ok(STATUS));
});
const lastRequest = (op: string): unknown => fake.calls.filter((c) => c.op === op).at(-1)?.request;

function typePath(label: string, value: string): void {
  fireEvent.change(screen.getByLabelText(`${label}: type a path`), { target: { value } });
  fireEvent.keyDown(screen.getByLabelText(`${label}: type a path`), { key: 'Enter' });
}

describe('Co-authors screen: export a draft', () => {
  it('the first author is this account; a wrong ORCID check digit blocks the export; the draft request names every author', async () => {
    fake.answer('draft', ok({ draftPath: '/d/paper.notarium-draft.json', root: ROOT, title: 'Joint paper data', authors: [], fileCount: 3, totalBytes: 3000, warnings: [] }));
    fake.answer('draftStatus', never);
    renderWithProviders(<CoauthorsScreen navigate={navigate} />);
    await waitFor(() => expect((screen.getByLabelText('Author 1 address') as HTMLInputElement).value).toBe(MY_ADDRESS));
    typePath('Dataset', '/d/data');
    fireEvent.change(screen.getByLabelText(/^Title/), { target: { value: 'Joint paper data' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add an author' }));
    fireEvent.change(screen.getByLabelText('Author 2 address'), { target: { value: CO_ADDRESS } });
    fireEvent.change(screen.getByLabelText('Author 2 name'), { target: { value: 'Grace' } });
    fireEvent.change(screen.getByLabelText('Author 2 ORCID iD'), { target: { value: '0000-0002-1825-0098' } });
    expect(screen.getByText(/Not a valid ORCID iD/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Export draft' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Author 2 ORCID iD'), { target: { value: '0000-0002-1825-0097' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export draft' }));
    expect(await screen.findByText('Checking the signatures…')).toBeTruthy();
    expect(lastRequest('draft')).toEqual({ inputs: ['/d/data'], title: 'Joint paper data', authors: [{ address: MY_ADDRESS }, { address: CO_ADDRESS, name: 'Grace', orcid: '0000-0002-1825-0097' }], public: false });
    expect(lastRequest('draftStatus')).toEqual({ draft: '/d/paper.notarium-draft.json', signatures: [] });
  });

  it('error: a missing folder is explained and nothing moves on', async () => {
    fake.answer('draft', fail('NOT_FOUND', 'File not found: /d/data'));
    renderWithProviders(<CoauthorsScreen navigate={navigate} />);
    await waitFor(() => expect((screen.getByLabelText('Author 1 address') as HTMLInputElement).value).toBe(MY_ADDRESS));
    typePath('Dataset', '/d/data');
    fireEvent.change(screen.getByLabelText(/^Title/), { target: { value: 'T' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export draft' }));
    expect(await screen.findByText('A file or folder was not found')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export draft' })).toBeTruthy();
    expect(fake.calls.some((c) => c.op === 'draftStatus')).toBe(false);
  });

  it('loading: the draft shows files, bytes and speed while the files are encrypted', async () => {
    fake.answer('draft', never);
    renderWithProviders(<CoauthorsScreen navigate={navigate} />);
    await waitFor(() => expect((screen.getByLabelText('Author 1 address') as HTMLInputElement).value).toBe(MY_ADDRESS));
    typePath('Dataset', '/d/data');
    fireEvent.change(screen.getByLabelText(/^Title/), { target: { value: 'T' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export draft' }));
    await waitFor(() => expect(fake.calls.some((c) => c.op === 'draft')).toBe(true));
    const callId = fake.calls.find((c) => c.op === 'draft')?.callId as string;
    fake.emit({ callId, progress: { phase: 'encrypting', filesDone: 1, filesTotal: 3, bytesDone: 1000, bytesTotal: 3000, bytesPerSecond: 1e6, etaSeconds: 1 } });
    expect(await screen.findByText('1 / 3')).toBeTruthy();
  });
});

describe('Co-authors screen: collect signatures and anchor', () => {
  const openDraft = async (): Promise<void> => {
    renderWithProviders(<CoauthorsScreen navigate={navigate} />);
    fireEvent.click(screen.getByLabelText('A draft I exported earlier'));
    typePath('Draft', '/d/paper.notarium-draft.json');
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
  };

  it('shows who has signed and who is missing; Anchor waits for every author', async () => {
    fake.answer('draftStatus', ok(draftStatus(['submitter', 'missing'])));
    await openDraft();
    expect(await screen.findByText('1 signature(s) missing')).toBeTruthy();
    expect(screen.getByText(/Waiting for: Grace/)).toBeTruthy();
    const authors = screen.getByRole('list', { name: 'Authors and signatures' });
    expect(within(authors).getByLabelText('Ada: you — sign when anchoring')).toBeTruthy();
    expect(within(authors).getByLabelText('Grace: missing')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Anchor' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('importing signature files checks them again; an invalid one is named with its problem', async () => {
    fake.answer('draftStatus', ok(draftStatus(['submitter', 'missing'])));
    await openDraft();
    await screen.findByText('1 signature(s) missing');
    fake.answer('draftStatus', ok(draftStatus(['submitter', 'invalid'], { problems: [{ file: '/x/other.notarium-signature.json', message: 'signs another dataset' }] })));
    typePath('Signature files', '/d/grace.notarium-signature.json');
    await waitFor(() => expect(lastRequest('draftStatus')).toEqual({ draft: '/d/paper.notarium-draft.json', signatures: ['/d/grace.notarium-signature.json'] }));
    expect(await screen.findByText('signs another version of this draft')).toBeTruthy();
    expect(screen.getByText('Signature files that do not count')).toBeTruthy();
  });

  it('complete: anchors with the signed files; SIGNATURE_INVALID lists who is missing, success shows the receipt', async () => {
    fake.answer('draftStatus', ok(draftStatus(['submitter', 'signed'])));
    fake.answer('anchorDraft', fail('SIGNATURE_INVALID', 'Not anchored', { missing: [CO_ADDRESS], problems: [] }));
    await openDraft();
    expect(await screen.findByText('Ready to anchor')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Anchor' }));
    expect(await screen.findByText('Not anchored: signatures are missing or invalid')).toBeTruthy();
    expect(screen.getByText(`missing: ${CO_ADDRESS}`)).toBeTruthy();
    expect(lastRequest('anchorDraft')).toEqual({ draft: '/d/paper.notarium-draft.json', signatures: ['/d/grace.notarium-signature.json'], confirmations: 1 });
    fake.answer('anchorDraft', ok(receipt));
    fireEvent.click(screen.getByRole('button', { name: 'Anchor' }));
    expect(await screen.findByText(/The receipt is saved/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Prepare another draft' })).toBeTruthy();
  });

  it('error: an unreadable draft is explained with a retry', async () => {
    fake.answer('draftStatus', fail('NOT_FOUND', 'Draft not found: /d/paper.notarium-draft.json'));
    await openDraft();
    expect(await screen.findByText('A file or folder was not found')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});

describe('Co-authors screen: sign a draft', () => {
  const openToSign = (): void => {
    renderWithProviders(<CoauthorsScreen navigate={navigate} />);
    fireEvent.click(screen.getByLabelText('Sign a draft'));
    typePath('Draft to sign', '/d/paper.notarium-draft.json');
  };

  it('loading: says so while the draft is read', async () => {
    fake.answer('draftStatus', never);
    openToSign();
    expect(await screen.findByText('Reading the draft…')).toBeTruthy();
  });

  it('not an author: explains it and does not offer to sign', async () => {
    fake.answer('draftStatus', ok(draftStatus(['missing', 'missing'], { you: null })));
    openToSign();
    expect(await screen.findByText('Your account is not an author of this draft')).toBeTruthy();
    fireEvent.click(screen.getByLabelText(/I have reviewed/));
    expect((screen.getByRole('button', { name: 'Sign' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('an author reviews what they sign, then signs; the signature file is named', async () => {
    fake.answer('draftStatus', ok(draftStatus(['missing', 'missing'])));
    fake.answer('signDraft', ok({ signaturePath: '/d/paper.12121212.notarium-signature.json', signer: MY_ADDRESS, digest: ROOT }));
    openToSign();
    expect(await screen.findByText('Joint paper data')).toBeTruthy();
    expect(screen.getByText('3 file(s), 3.0 kB')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Sign' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByLabelText(/I have reviewed/));
    fireEvent.click(screen.getByRole('button', { name: 'Sign' }));
    expect(await screen.findByText('/d/paper.12121212.notarium-signature.json')).toBeTruthy();
    expect(lastRequest('signDraft')).toEqual({ draft: '/d/paper.notarium-draft.json' });
  });

  it('error: a locked account is explained', async () => {
    fake.answer('draftStatus', ok(draftStatus(['missing', 'missing'])));
    fake.answer('signDraft', fail('ACCOUNT_LOCKED', 'Unlock your account first'));
    openToSign();
    fireEvent.click(await screen.findByLabelText(/I have reviewed/));
    fireEvent.click(screen.getByRole('button', { name: 'Sign' }));
    expect(await screen.findByText('Your account is locked')).toBeTruthy();
  });
});
