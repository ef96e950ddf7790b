/**
 * The Datasets screen's "Unfinished notarizations" (PendingJobsPanel) against a scripted
 * window.notarium: the list, Resume with progress and cancel, the result, errors with their
 * help (DISK_FULL), and nothing at all when no job is unfinished.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../shared/api/index.ts';
import { PendingJobsPanel } from '../../renderer/src/datasets/PendingJobsPanel.tsx';
import { installFakeApi, never, type FakeApi } from './fake-api.ts';
import { ROOT, fail, ok } from './fixtures.ts';
import { renderWithProviders } from './render.tsx';

const JOB = { id: '0123456789abcdef', updatedAt: 1_764_470_000 };
const OTHER = { id: 'fedcba9876543210', updatedAt: 1_764_480_000 };
const RESULT = {
  datasetId: 'ds-1',
  root: ROOT,
  manifestDigest: `0x${'cd'.repeat(32)}`,
  receiptPath: '/data/cohort-abababab.notarium-receipt.json',
  fileCount: 12,
  totalBytes: 3_145_728,
  bytesPerSecond: 50_000_000,
  network: 'devnet',
  chainId: '31337',
  local: true,
  contract: `0x${'56'.repeat(20)}`,
  txHash: `0x${'ef'.repeat(32)}`,
  blockNumber: 7,
  blockTime: 1_764_480_100,
  gasUsed: '54500',
  warnings: ['resumed an unfinished job: 3 file(s) stored by an earlier run were reused, not encrypted again'],
};
const PROGRESS = { phase: 'encrypting', filesDone: 5, filesTotal: 12, bytesDone: 1_310_720, bytesTotal: 3_145_728, bytesPerSecond: 40_000_000, etaSeconds: 2 } as const;

let fake: FakeApi;
beforeEach(() => {
  fake = installFakeApi();
});
const requests = (op: string): unknown[] => fake.calls.filter((c) => c.op === op).map((c) => c.request);
const callIdOf = (op: string): string => fake.calls.find((c) => c.op === op)?.callId as string;

/** An answer the test releases when it chooses. */
function deferred(): { answer: () => Promise<Outcome<unknown>>; settle(o: Outcome<unknown>): void } {
  let settle: (o: Outcome<unknown>) => void = () => undefined;
  const promise = new Promise<Outcome<unknown>>((resolve) => (settle = resolve));
  return { answer: () => promise, settle: (o) => settle(o) };
}

describe('Unfinished notarizations', () => {
  it('shows nothing when no job is unfinished', async () => {
    fake.answer('pendingJobs', ok([]));
    const { container } = renderWithProviders(<PendingJobsPanel onResumed={() => undefined} />);
    await waitFor(() => expect(requests('pendingJobs')).toEqual([{}]));
    expect(container.textContent).toBe('');
  });

  it('lists each job with when it was last written and its own Resume button', async () => {
    fake.answer('pendingJobs', ok([JOB, OTHER]));
    renderWithProviders(<PendingJobsPanel onResumed={() => undefined} />);
    const panel = await screen.findByRole('region', { name: 'Unfinished notarizations' });
    expect(within(panel).getByText(JOB.id)).toBeTruthy();
    expect(within(panel).getByText(new RegExp(new Date(JOB.updatedAt * 1000).toISOString().replace('.000Z', 'Z')))).toBeTruthy();
    expect(within(panel).getByText(new RegExp(new Date(OTHER.updatedAt * 1000).toISOString().replace('.000Z', 'Z')))).toBeTruthy();
    expect(within(panel).getByRole('button', { name: `Resume notarization job ${JOB.id}` })).toBeTruthy();
    expect(within(panel).getByRole('button', { name: `Resume notarization job ${OTHER.id}` })).toBeTruthy();
    expect(requests('resumeJob')).toEqual([]);
  });

  it('Resume sends only the job id, shows progress, then the result; the list and datasets are refreshed', async () => {
    fake.answer('pendingJobs', ok([JOB]));
    const resume = deferred();
    fake.answer('resumeJob', resume.answer);
    let resumed = 0;
    renderWithProviders(<PendingJobsPanel onResumed={() => resumed++} />);
    fireEvent.click(await screen.findByRole('button', { name: `Resume notarization job ${JOB.id}` }));
    await waitFor(() => expect(requests('resumeJob')).toEqual([{ id: JOB.id }]));
    expect(callIdOf('resumeJob')).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(await screen.findByText('Notarization: starting…')).toBeTruthy();
    fake.emit({ callId: callIdOf('resumeJob'), progress: PROGRESS });
    expect(await screen.findByText('Hashing, encrypting and storing files…')).toBeTruthy();
    expect(screen.getByText('5 / 12')).toBeTruthy();
    // Another job cannot start while one runs.
    expect((screen.getByRole('button', { name: `Resume notarization job ${JOB.id}` }) as HTMLButtonElement).disabled).toBe(true);

    fake.answer('pendingJobs', ok([]));
    resume.settle(ok(RESULT));
    const done = await screen.findByRole('status');
    expect(done.textContent).toContain('12 file(s), 3.1 MB, anchored in block 7 on devnet.');
    expect(done.textContent).toContain(`Receipt written to ${RESULT.receiptPath}.`);
    expect(done.textContent).toContain('3 file(s) stored by an earlier run were reused');
    await waitFor(() => expect(requests('pendingJobs')).toHaveLength(2));
    expect(resumed).toBe(1);
    await waitFor(() => expect(screen.queryByRole('button', { name: `Resume notarization job ${JOB.id}` })).toBeNull());
  });

  it('Cancel stops the running resume by its call id', async () => {
    fake.answer('pendingJobs', ok([JOB]));
    fake.answer('resumeJob', never);
    fake.answer('cancel', ok({ cancelled: true }));
    renderWithProviders(<PendingJobsPanel onResumed={() => undefined} />);
    fireEvent.click(await screen.findByRole('button', { name: `Resume notarization job ${JOB.id}` }));
    await waitFor(() => expect(requests('resumeJob')).toHaveLength(1));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(requests('cancel')).toEqual([{ callId: callIdOf('resumeJob') }]));
  });

  it('a full disk shows what to do next; the job stays listed and can be resumed again', async () => {
    fake.answer('pendingJobs', ok([JOB]));
    fake.answer('resumeJob', fail('DISK_FULL', 'The disk holding /data/ipfs is full.', { where: '/data/ipfs' }));
    let resumed = 0;
    renderWithProviders(<PendingJobsPanel onResumed={() => resumed++} />);
    fireEvent.click(await screen.findByRole('button', { name: `Resume notarization job ${JOB.id}` }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The disk is full')).toBeTruthy();
    expect(within(alert).getByText(/Free some space on the disk/)).toBeTruthy();
    expect(within(alert).getByText(/The disk holding \/data\/ipfs is full\. \[DISK_FULL\]/)).toBeTruthy();
    expect(resumed).toBe(0);
    await waitFor(() => expect(requests('pendingJobs')).toHaveLength(2));
    const again = screen.getByRole('button', { name: `Resume notarization job ${JOB.id}` }) as HTMLButtonElement;
    await waitFor(() => expect(again.disabled).toBe(false));
    fake.answer('resumeJob', ok(RESULT));
    fake.answer('pendingJobs', ok([]));
    fireEvent.click(again);
    expect((await screen.findByRole('status')).textContent).toContain(RESULT.receiptPath);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a locked account is explained with the way to unlock it', async () => {
    fake.answer('pendingJobs', ok([JOB]));
    fake.answer('resumeJob', fail('ACCOUNT_LOCKED', 'Unlock your account first.'));
    renderWithProviders(<PendingJobsPanel onResumed={() => undefined} />);
    fireEvent.click(await screen.findByRole('button', { name: `Resume notarization job ${JOB.id}` }));
    expect(await screen.findByText('Your account is locked')).toBeTruthy();
    expect(screen.getByText(/Settings → Account/)).toBeTruthy();
  });

  it('a list that cannot be read shows the error with a retry', async () => {
    fake.answer('pendingJobs', fail('INTERNAL', 'boom'));
    renderWithProviders(<PendingJobsPanel onResumed={() => undefined} />);
    expect(await screen.findByText('Something went wrong')).toBeTruthy();
    fake.answer('pendingJobs', ok([JOB]));
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('button', { name: `Resume notarization job ${JOB.id}` })).toBeTruthy();
  });
});
