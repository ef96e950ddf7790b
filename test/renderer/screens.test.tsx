import { fireEvent, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { DatasetsScreen } from '../../renderer/src/screens/DatasetsScreen.tsx';
import { RetrieveScreen } from '../../renderer/src/screens/RetrieveScreen.tsx';
import { SettingsScreen } from '../../renderer/src/screens/SettingsScreen.tsx';
import { VerifyScreen } from '../../renderer/src/screens/VerifyScreen.tsx';
import { NotarizeScreen } from '../../renderer/src/screens/NotarizeScreen.tsx';
import { installFakeApi, never, type FakeApi } from './fake-api.ts';
import { STATUS } from './fixtures.ts';
import { renderWithProviders } from './render.tsx';

const root = `0x${'ab'.repeat(32)}`;
const status = {
  dataDir: '/data',
  account: { address: `0x${'12'.repeat(20)}`, recipient: 'age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqq', createdAt: 1 },
  unlocked: true,
  keychain: { available: false, backend: 'basic_text', remembered: false, refusal: 'plain text backend' },
  network: { mode: 'devnet', name: 'devnet', chainId: '31337', rpcUrl: null, registry: null, local: true },
  ipfs: { mode: 'embedded', dir: '/data/ipfs' },
  managed: STATUS.managed,
  pinningToken: STATUS.pinningToken,
};
const dataset = (i: number) => ({ id: `id-${i}`, title: `Dataset ${i}`, root, status: 'anchored', fileCount: i, totalBytes: 1000 * i, createdAt: 1_700_000_000 + i, receiptPath: `/r/${i}.json`, confirmations: 2, supersededBy: null });
const navigate = () => undefined;

let fake: FakeApi;
beforeEach(() => {
  fake = installFakeApi();
  fake.answer('status', { ok: true, value: status });
  fake.answer('pendingAnchors', { ok: true, value: [] });
  fake.answer('pendingJobs', { ok: true, value: [] });
});

describe('Datasets screen', () => {
  it('loading: says so while the list is on its way', async () => {
    fake.answer('listDatasets', never);
    renderWithProviders(<DatasetsScreen navigate={navigate} />);
    expect(await screen.findByText('Loading datasets…')).toBeTruthy();
  });

  it('empty: invites to notarize', async () => {
    fake.answer('listDatasets', { ok: true, value: [] });
    renderWithProviders(<DatasetsScreen navigate={navigate} />);
    expect(await screen.findByText('No datasets yet')).toBeTruthy();
  });

  it('error: shows the message for the code with a next step and a retry', async () => {
    fake.answer('listDatasets', { ok: false, error: { code: 'LEDGER_FAILED', message: 'disk full' } });
    renderWithProviders(<DatasetsScreen navigate={navigate} />);
    expect(await screen.findByText('The local ledger failed')).toBeTruthy();
    expect(screen.getByText(/check free disk space/i)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('success: 10,000 datasets are never all in the DOM, and search filters them', async () => {
    fake.answer('listDatasets', { ok: true, value: Array.from({ length: 10_000 }, (_, i) => dataset(i)) });
    renderWithProviders(<DatasetsScreen navigate={navigate} />);
    expect(await screen.findByText('10000 dataset(s)')).toBeTruthy();
    expect(document.querySelectorAll('[role=listitem]').length).toBeGreaterThan(0);
    expect(document.querySelectorAll('[role=listitem]').length).toBeLessThan(40);
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'Dataset 9999' } });
    expect(await screen.findByText('1 of 10000 dataset(s) match')).toBeTruthy();
  });
});

describe('Settings screen', () => {
  it('success: shows the address and age recipient, and refuses the basic_text keychain', async () => {
    fake.answer('status', { ok: true, value: { ...status, unlocked: false } });
    renderWithProviders(<SettingsScreen />);
    expect(await screen.findByText(status.account.address)).toBeTruthy();
    expect(screen.getByText(status.account.recipient)).toBeTruthy();
    expect((screen.getByLabelText('Remember in the OS keychain') as HTMLInputElement).disabled).toBe(true);
  });

  it('error: a wrong passphrase is explained', async () => {
    fake.answer('status', { ok: true, value: { ...status, unlocked: false } });
    fake.answer('unlock', { ok: false, error: { code: 'WRONG_PASSPHRASE', message: 'no' } });
    renderWithProviders(<SettingsScreen />);
    fireEvent.change(await screen.findByLabelText('Passphrase'), { target: { value: 'whatever1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByText('Wrong passphrase')).toBeTruthy();
  });

  it('loading and status error states', async () => {
    fake.answer('status', never);
    const { unmount } = renderWithProviders(<SettingsScreen />);
    expect(await screen.findByText('Loading settings…')).toBeTruthy();
    unmount();
    fake.answer('status', { ok: false, error: { code: 'INTERNAL', message: 'x' } });
    renderWithProviders(<SettingsScreen />);
    expect(await screen.findByText('Something went wrong')).toBeTruthy();
  });
});

const report = (ok: boolean) => ({
  ok,
  offline: false,
  summary: ok ? 'All files match.' : 'One file changed.',
  receipt: { path: '/r.json', sha256: 'f'.repeat(64), title: 'T', root, network: 'devnet', chainId: '31337', local: true, contract: `0x${'34'.repeat(20)}`, txHash: root, blockNumber: 3, blockTime: 1_700_000_000 },
  checks: { manifest: { status: 'pass', message: 'm' }, root: { status: 'pass', message: 'r' }, chain: { status: 'pass', message: 'c' } },
  supersededBy: null,
  authors: [{ address: `0x${'12'.repeat(20)}`, name: 'Ada', signature: { status: 'pass', message: 's' } }],
  files: [
    { path: 'a.csv', status: ok ? 'pass' : 'fail', content: { status: ok ? 'pass' : 'fail', message: ok ? 'same' : 'SHA-256 differs' }, proof: { status: 'pass', message: 'p' } },
    { path: 'b.csv', status: 'pass', content: { status: 'pass', message: 'same' }, proof: { status: 'pass', message: 'p' } },
  ],
  digest: root,
});

describe('Verify screen', () => {
  const start = async (): Promise<void> => {
    renderWithProviders(<VerifyScreen initialReceipt="/r.json" />);
    fireEvent.change(screen.getByLabelText('Files to check: type a path'), { target: { value: '/data' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Add path' })[0] as HTMLElement);
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
  };

  it('loading: shows progress with files, speed and time left', async () => {
    fake.answer('verify', never);
    await start();
    await waitFor(() => expect(fake.calls.some((c) => c.op === 'verify')).toBe(true));
    const callId = fake.calls.find((c) => c.op === 'verify')?.callId as string;
    fake.emit({ callId, progress: { phase: 'verifying', filesDone: 1, filesTotal: 2, bytesDone: 5e6, bytesTotal: 1e7, bytesPerSecond: 2.5e6, etaSeconds: 2 } });
    expect(await screen.findByText('1 / 2')).toBeTruthy();
    expect(screen.getByText('2.5 MB/s')).toBeTruthy();
  });

  it('success: a verdict in plain words per question, with the receipt SHA-256', async () => {
    fake.answer('verify', { ok: true, value: report(true) });
    await start();
    expect(await screen.findByText('VERIFIED')).toBeTruthy();
    expect(screen.getByText(/All 2 file\(s\) are exactly the notarized ones/)).toBeTruthy();
    expect(screen.getByText(`Receipt SHA-256 ${'f'.repeat(64)}`)).toBeTruthy();
  });

  it('failure verdict: names the changed file', async () => {
    fake.answer('verify', { ok: true, value: report(false) });
    await start();
    expect(await screen.findByText('NOT VERIFIED')).toBeTruthy();
    expect(screen.getByText(/1 changed/)).toBeTruthy();
  });

  it('incomplete verdict: NOT CHECKED when nothing failed but the chain could not be checked', async () => {
    fake.answer('verify', { ok: true, value: { ...report(false), incomplete: true, summary: 'Could not check the chain (LOCAL devnet).' } });
    await start();
    expect(await screen.findByText('NOT CHECKED')).toBeTruthy();
    expect(screen.queryByText('NOT VERIFIED')).toBeNull();
  });

  it('error: an invalid receipt is explained', async () => {
    fake.answer('verify', { ok: false, error: { code: 'RECEIPT_INVALID', message: 'bad json' } });
    await start();
    expect(await screen.findByText('This is not a valid Notarium receipt')).toBeTruthy();
  });
});

describe('Retrieve screen', () => {
  it('empty: no datasets yet; error: decrypt failure explained; success: says every hash matched', async () => {
    fake.answer('listDatasets', { ok: true, value: [] });
    fake.answer('retrieve', { ok: false, error: { code: 'AGE_DECRYPT_FAILED', message: 'no identity matched' } });
    renderWithProviders(<RetrieveScreen initialReceipt="/r.json" />);
    fireEvent.change(screen.getByLabelText('Destination: type a path'), { target: { value: '/out' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Add path' })[1] as HTMLElement);
    fireEvent.click(screen.getByRole('button', { name: 'Retrieve' }));
    expect(await screen.findByText('The data cannot be decrypted with your key')).toBeTruthy();
    fake.answer('retrieve', { ok: true, value: { out: '/out', fileCount: 3, totalBytes: 3000 } });
    fireEvent.click(screen.getByRole('button', { name: 'Retrieve' }));
    expect(await screen.findByText(/Every file.s SHA-256 matched/)).toBeTruthy();
  });
});

describe('Notarize screen', () => {
  it('review: counts, size and warnings; cancel leaves a clear message', async () => {
    fake.answer('inspectInputs', { ok: true, value: { fileCount: 2, totalBytes: 2000, warnings: ['empty file e.txt', 'skipped symbolic link l'], baseDir: '/d', files: [{ path: 'a', size: 2000 }, { path: 'e.txt', size: 0 }] } });
    fake.answer('notarize', { ok: false, error: { code: 'CANCELLED', message: 'Cancelled.' } });
    renderWithProviders(<NotarizeScreen navigate={navigate} />);
    fireEvent.change(screen.getByLabelText('Dataset: type a path'), { target: { value: '/d' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add path' }));
    fireEvent.click(screen.getByRole('button', { name: 'Review' }));
    expect(await screen.findByText('2 warning(s)')).toBeTruthy();
    expect(screen.getByText('empty file e.txt')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    fireEvent.change(screen.getByLabelText(/^Title/), { target: { value: 'My data' } });
    await waitFor(() => expect((screen.getByRole('button', { name: 'Notarize' }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Notarize' }));
    expect(await screen.findByText('Nothing was recorded; you can start again.')).toBeTruthy();
    expect(fake.calls.find((c) => c.op === 'notarize')?.request).toMatchObject({ inputs: ['/d'], title: 'My data', public: false });
  });
});
