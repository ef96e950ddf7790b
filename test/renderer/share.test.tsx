import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { DatasetsScreen } from '../../renderer/src/screens/DatasetsScreen.tsx';
import { installFakeApi, never, type FakeApi } from './fake-api.ts';
import { ROOT, STATUS, dataset, fail, ok } from './fixtures.ts';
import { renderWithProviders } from './render.tsx';

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const navigate = () => undefined;
const decision = (d: 'DENY' | 'REVIEW') => ({
  datasetId: 'id-1',
  decision: d,
  counts: d === 'DENY' ? { ALLOW: 2, DENY: 1, REVIEW: 0 } : { ALLOW: 2, DENY: 0, REVIEW: 1 },
  denied: d === 'DENY' ? ['S3'] : [],
  review: d === 'REVIEW' ? ['S3'] : [],
  summary: [{ code: d === 'DENY' ? 'COMMERCIAL_PROHIBITED' : 'SENSITIVE_TOPIC', effect: d, count: 1, example: d === 'DENY' ? 'the consent excludes commercial use' : 'pediatric research needs review' }],
  logSeq: 12,
});

let fake: FakeApi;
beforeEach(() => {
  fake = installFakeApi();
  fake.answer('status', ok(STATUS));
  fake.answer('listDatasets', ok([dataset(1, 'Cohort')]));
  fake.answer('pendingJobs', ok([]));
});
const lastRequest = (op: string): unknown => fake.calls.filter((c) => c.op === op).at(-1)?.request;

async function openShare(): Promise<HTMLElement> {
  renderWithProviders(<DatasetsScreen navigate={navigate} />);
  fireEvent.click(await screen.findByRole('button', { name: 'Share Cohort' }));
  const panel = screen.getByRole('region', { name: 'Share Cohort' });
  fireEvent.change(within(panel).getByLabelText(/^Recipient/), { target: { value: RECIPIENT } });
  fireEvent.change(within(panel).getByLabelText('Ticket file: type a path'), { target: { value: '/t/ticket.json' } });
  fireEvent.keyDown(within(panel).getByLabelText('Ticket file: type a path'), { key: 'Enter' });
  return panel;
}

describe('Share from the Datasets screen', () => {
  it('a malformed recipient is flagged and Share stays disabled', async () => {
    renderWithProviders(<DatasetsScreen navigate={navigate} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Share Cohort' }));
    fireEvent.change(screen.getByLabelText(/^Recipient/), { target: { value: 'age2nope' } });
    expect(screen.getByText(/Expected an age recipient/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Share' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('loading, then success: the purpose goes with the request (no date: gates use today) and the ticket path is shown', async () => {
    let release: (v: unknown) => void = () => undefined;
    fake.answer('share', () => new Promise((r) => (release = r)) as never);
    const panel = await openShare();
    fireEvent.click(within(panel).getByLabelText(/^POA — /));
    fireEvent.click(within(panel).getByRole('button', { name: 'Share' }));
    await waitFor(() => expect(within(panel).getByRole('button', { name: 'Share' }).getAttribute('data-loading')).toBe('true'));
    release(ok({ ticketPath: '/t/ticket.json', root: ROOT, title: 'Cohort', recipient: RECIPIENT, fileCount: 4, totalBytes: 4000, seconds: 0.2 }));
    expect(await within(panel).findByText('/t/ticket.json')).toBeTruthy();
    expect(within(panel).getByText(/4 file\(s\) \(4\.0 kB\) re-wrapped/)).toBeTruthy();
    const req = lastRequest('share') as { purpose: Record<string, unknown> };
    expect(req).toMatchObject({ dataset: 'id-1', recipient: RECIPIENT, out: '/t/ticket.json', purpose: { purpose: 'POA' } });
    expect('date' in req.purpose).toBe(false);
  });

  it('without a stated purpose, no consent check is asked for', async () => {
    fake.answer('share', never);
    const panel = await openShare();
    fireEvent.click(within(panel).getByLabelText(/^State the purpose of use/));
    fireEvent.click(within(panel).getByRole('button', { name: 'Share' }));
    await waitFor(() => expect(lastRequest('share')).toEqual({ dataset: 'id-1', recipient: RECIPIENT, out: '/t/ticket.json' }));
  });

  it('consent DENY: the decision and why, and the way to the eligible subset; no override is offered', async () => {
    fake.answer('share', fail('CONSENT_DENIED', 'Consent does not cover this share', decision('DENY')));
    const panel = await openShare();
    fireEvent.click(within(panel).getByRole('button', { name: 'Share' }));
    expect(await within(panel).findByRole('status', { name: 'DENY' })).toBeTruthy();
    expect(within(panel).getByText(/COMMERCIAL_PROHIBITED/)).toBeTruthy();
    expect(within(panel).getByText(/Derive the eligible subset in Consent/)).toBeTruthy();
    expect(within(panel).queryByRole('button', { name: 'Share with this override' })).toBeNull();
  });

  it('consent REVIEW: a named person overrides with a reason, sent with the same request', async () => {
    fake.answer('share', fail('CONSENT_REVIEW_REQUIRED', 'needs review', decision('REVIEW')));
    const panel = await openShare();
    fireEvent.click(within(panel).getByRole('button', { name: 'Share' }));
    expect(await within(panel).findByRole('status', { name: 'REVIEW' })).toBeTruthy();
    const override = within(panel).getByRole('button', { name: 'Share with this override' }) as HTMLButtonElement;
    expect(override.disabled).toBe(true);
    fireEvent.change(within(panel).getByLabelText('Decided by'), { target: { value: 'Dr. Jane Roe (DAC chair)' } });
    fireEvent.change(within(panel).getByLabelText('Reason'), { target: { value: 'Approved by the DAC on 2026-06-01' } });
    fake.answer('share', ok({ ticketPath: '/t/ticket.json', root: ROOT, title: 'Cohort', recipient: RECIPIENT, fileCount: 4, totalBytes: 4000, seconds: 0.2 }));
    fireEvent.click(override);
    expect(await within(panel).findByText('/t/ticket.json')).toBeTruthy();
    expect(lastRequest('share')).toMatchObject({ purpose: { purpose: 'HMB' }, override: { by: 'Dr. Jane Roe (DAC chair)', reason: 'Approved by the DAC on 2026-06-01' } });
  });

  it('other errors are explained by their code', async () => {
    fake.answer('share', fail('ACCOUNT_LOCKED', 'Unlock your account first'));
    const panel = await openShare();
    fireEvent.click(within(panel).getByRole('button', { name: 'Share' }));
    expect(await within(panel).findByText('Your account is locked')).toBeTruthy();
  });
});
