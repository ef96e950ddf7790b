/**
 * The desktop gaps of Settings, Notarize and Datasets: managed (lab) settings shown locked,
 * account backup, the write-only pinning token, the public-chain fee prompt and Resume of
 * unfinished anchorings — against a scripted window.notarium.
 */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { FeeQuotePanel } from '../../renderer/src/components/FeeQuotePanel.tsx';
import { PendingAnchorsPanel } from '../../renderer/src/datasets/PendingAnchorsPanel.tsx';
import { NotarizeScreen } from '../../renderer/src/screens/NotarizeScreen.tsx';
import { SettingsScreen } from '../../renderer/src/screens/SettingsScreen.tsx';
import { installFakeApi, never, type FakeApi } from './fake-api.ts';
import { ROOT, STATUS, fail, ok } from './fixtures.ts';
import { renderWithProviders } from './render.tsx';

const LAB_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const SEPOLIA = { mode: 'rpc', name: 'sepolia', chainId: '11155111', rpcUrl: 'https://lab.example.org', registry: `0x${'5f'.repeat(20)}`, local: false };
const LAB = { ...STATUS.managed, status: 'applied', locked: ['network', 'allowPublicMode', 'defaultRecipients'], allowPublicMode: false, defaultRecipients: [LAB_RECIPIENT] };

const QUOTE = {
  action: 'Anchoring "Cohort" (root 0xabababab…)',
  network: 'sepolia',
  currency: 'ETH',
  chainId: '11155111',
  from: `0x${'12'.repeat(20)}`,
  gasEstimate: '54500',
  gasLimit: '65400',
  maxFeePerGas: '3000000000',
  gasPrice: null,
  expectedCostWei: '108999999999999',
  maxCostWei: '196200000000000',
  balanceWei: '1000000000000000000',
  expectedCost: '0.000108999999999999',
  maxCost: '0.0001962',
  balance: '1.0',
  affordable: true,
};
const PROGRESS = { phase: 'anchoring', filesDone: 1, filesTotal: 1, bytesDone: 10, bytesTotal: 10, bytesPerSecond: 0, etaSeconds: null } as const;

let fake: FakeApi;
beforeEach(() => {
  fake = installFakeApi();
  fake.answer('status', ok(STATUS));
});
const requests = (op: string): unknown[] => fake.calls.filter((c) => c.op === op).map((c) => c.request);

describe('Settings under managed (lab) settings', () => {
  it('a network fixed by the lab is shown read-only with "set by your lab", and cannot be edited', async () => {
    fake.answer('status', ok({ ...STATUS, network: SEPOLIA, managed: LAB }));
    renderWithProviders(<SettingsScreen />);
    expect(await screen.findByText('Some settings are set by your lab')).toBeTruthy();
    expect(screen.getByText(/fixes: network and registry, public mode, default recipients/)).toBeTruthy();
    expect(screen.getAllByText('set by your lab').length).toBeGreaterThan(0);
    expect(screen.getByText('https://lab.example.org')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Check and save' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Use the embedded devnet' })).toBeNull();
  });

  it('a refused managed file shows its warning as an alert; the network stays editable', async () => {
    const warning = 'Managed settings /etc/notarium/managed-settings.json ignored: it is owned by uid 1000, not by root.';
    fake.answer('status', ok({ ...STATUS, managed: { ...STATUS.managed, status: 'refused', warnings: [warning] } }));
    renderWithProviders(<SettingsScreen />);
    expect(await screen.findByText('Lab settings ignored')).toBeTruthy();
    expect(screen.getByText(warning)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Use the embedded devnet' })).toBeTruthy();
  });

  it('an invalid managed file says anchoring is disabled', async () => {
    fake.answer('status', ok({ ...STATUS, managed: { ...STATUS.managed, status: 'invalid', warnings: ['not JSON'], blockedReason: 'not JSON' } }));
    renderWithProviders(<SettingsScreen />);
    expect(await screen.findByText('Lab settings are invalid')).toBeTruthy();
    expect(screen.getByText(/Anchoring and public notarizations are disabled/)).toBeTruthy();
  });
});

describe('Notarize under managed settings', () => {
  it('hides the public mode when the lab disallows it and lists the lab recipients as fixed', async () => {
    fake.answer('status', ok({ ...STATUS, managed: LAB }));
    fake.answer('inspectInputs', ok({ fileCount: 1, totalBytes: 10, warnings: [], baseDir: '/d', files: [{ path: 'a.csv', size: 10 }] }));
    renderWithProviders(<NotarizeScreen navigate={() => undefined} />);
    fireEvent.change(await screen.findByLabelText('Dataset: type a path'), { target: { value: '/d' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add path' }));
    fireEvent.click(screen.getByRole('button', { name: 'Review' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Continue' }));
    expect(await screen.findByText(/does not allow public/)).toBeTruthy();
    expect(screen.queryByText('Public')).toBeNull();
    expect(screen.getByText(LAB_RECIPIENT)).toBeTruthy();
  });
});

describe('Account backup', () => {
  it('exports to the file chosen in the save dialog, with the optional backup passphrase', async () => {
    fake.answer('pickPaths', ok({ paths: ['/home/ada/notarium.backup.age'] }));
    fake.answer('exportAccount', ok({ path: '/home/ada/notarium.backup.age', address: STATUS.account.address }));
    renderWithProviders(<SettingsScreen />);
    fireEvent.change(await screen.findByLabelText('Backup passphrase (optional)'), { target: { value: 'backup-secret-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Export backup…' }));
    expect(await screen.findByText('Backup saved')).toBeTruthy();
    expect(requests('pickPaths')).toEqual([{ purpose: 'account-backup-out' }]);
    expect(requests('exportAccount')).toEqual([{ out: '/home/ada/notarium.backup.age', backupPassphrase: 'backup-secret-1' }]);
  });

  it('a cancelled save dialog exports nothing', async () => {
    fake.answer('pickPaths', ok({ paths: [] }));
    renderWithProviders(<SettingsScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Export backup…' }));
    await waitFor(() => expect(requests('pickPaths')).toHaveLength(1));
    expect(requests('exportAccount')).toEqual([]);
  });

  it('restores a backup into a data folder without an account, and explains a wrong passphrase', async () => {
    fake.answer('status', ok({ ...STATUS, account: null, unlocked: false }));
    fake.answer('pickPaths', ok({ paths: ['/media/usb/notarium.backup.age'] }));
    fake.answer('importAccount', fail('WRONG_PASSPHRASE', 'no'));
    renderWithProviders(<SettingsScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Choose backup file…' }));
    expect(await screen.findByText('/media/usb/notarium.backup.age')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Account passphrase'), { target: { value: 'account-pass-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Restore account' }));
    expect(await screen.findByText('Wrong passphrase')).toBeTruthy();
    expect(requests('importAccount')).toEqual([{ file: '/media/usb/notarium.backup.age', passphrase: 'account-pass-1' }]);
  });
});

describe('Pinning service token', () => {
  it('is write-only: saved to the keychain, the field cleared, and only "stored" shown afterwards', async () => {
    fake.answer('setPinningToken', ok({ stored: true }));
    renderWithProviders(<SettingsScreen />);
    const field = (await screen.findByLabelText('Token')) as HTMLInputElement;
    expect(field.type).toBe('password');
    fireEvent.change(field, { target: { value: 'eyJhbGciOi.secret' } });
    fake.answer('status', ok({ ...STATUS, pinningToken: { stored: true, writable: true } }));
    fireEvent.click(screen.getByRole('button', { name: 'Save token' }));
    expect(await screen.findByText('stored in the OS keychain')).toBeTruthy();
    expect(requests('setPinningToken')).toEqual([{ token: 'eyJhbGciOi.secret' }]);
    expect(((await screen.findByLabelText('Replace the token')) as HTMLInputElement).value).toBe('');
    expect(document.body.textContent).not.toContain('eyJhbGciOi.secret');
  });

  it('cannot be entered without a usable OS keychain', async () => {
    fake.answer('status', ok({ ...STATUS, pinningToken: { stored: false, writable: false } }));
    renderWithProviders(<SettingsScreen />);
    expect(((await screen.findByLabelText('Token')) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Save token' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('Public-chain fee prompt and unfinished anchorings', () => {
  const pending = { root: ROOT, title: 'Cohort', network: 'sepolia', chainId: '11155111', status: 'not-sent', txHash: null, receiptPath: '/r.json' };

  it('Resume shows the fee in ether and wei and sends only after "Send and pay"', async () => {
    fake.answer('pendingAnchors', ok([pending]));
    fake.answer('resumeAnchor', never);
    fake.answer('confirmFee', ok({ answered: true }));
    renderWithProviders(<PendingAnchorsPanel onResumed={() => undefined} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Resume anchoring Cohort' }));
    await waitFor(() => expect(requests('resumeAnchor')).toEqual([{ root: ROOT }]));
    const callId = fake.calls.find((c) => c.op === 'resumeAnchor')?.callId as string;
    fake.emit({ callId, progress: PROGRESS, feeQuote: QUOTE });
    expect(await screen.findByText('Confirm the transaction fee')).toBeTruthy();
    expect(screen.getByText('0.0001962 ETH (196,200,000,000,000 wei)')).toBeTruthy();
    expect(screen.getByText('54,500 estimated, limit 65,400')).toBeTruthy();
    expect(requests('confirmFee')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Send and pay' }));
    await waitFor(() => expect(requests('confirmFee')).toEqual([{ callId, accept: true }]));
    await waitFor(() => expect(screen.queryByText('Confirm the transaction fee')).toBeNull());
  });

  it('Cancel declines the quote: nothing is sent', async () => {
    fake.answer('pendingAnchors', ok([pending]));
    fake.answer('resumeAnchor', never);
    fake.answer('confirmFee', ok({ answered: true }));
    renderWithProviders(<PendingAnchorsPanel onResumed={() => undefined} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Resume anchoring Cohort' }));
    await waitFor(() => expect(requests('resumeAnchor')).toHaveLength(1));
    const callId = fake.calls.find((c) => c.op === 'resumeAnchor')?.callId as string;
    fake.emit({ callId, progress: PROGRESS, feeQuote: QUOTE });
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel, send nothing' }));
    await waitFor(() => expect(requests('confirmFee')).toEqual([{ callId, accept: false }]));
  });

  it('an unaffordable quote cannot be accepted', () => {
    let answer: boolean | null = null;
    renderWithProviders(<FeeQuotePanel quote={{ ...QUOTE, balanceWei: '1', balance: '0.000000000000000001', affordable: false }} onAnswer={(a) => (answer = a)} />);
    expect((screen.getByRole('button', { name: 'Send and pay' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/does not cover/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel, send nothing' }));
    expect(answer).toBe(false);
  });

  it('shows nothing when no anchoring is unfinished', async () => {
    fake.answer('pendingAnchors', ok([]));
    const { container } = renderWithProviders(<PendingAnchorsPanel onResumed={() => undefined} />);
    await waitFor(() => expect(requests('pendingAnchors')).toHaveLength(1));
    expect(container.textContent).toBe('');
  });
});
