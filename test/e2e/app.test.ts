/**
 * The desktop UI end to end, in headless Debian Chromium against the real core (bundled
 * worker, embedded Helia, in-process devnet, SQLite) through the test bridge: create an
 * account, notarize real research data, verify it, tamper one file and see the failure,
 * retrieve it; accessibility (axe-core) and CSP checked on every screen.
 */
import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRealDataset } from '../../scripts/real-dataset.ts';
import { generateAgeIdentity } from '../../main/core/crypto/index.ts';
import { buildApp, screenshot, startHarness, type Harness } from './harness.ts';

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let h: Harness;
let page: Page;
let dataset: string;
let pristine: string;

async function walk(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p, base)));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** axe-core: no serious or critical accessibility violations on the current screen. */
async function expectAccessible(screen: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))`)) as string[];
  expect(violations, `axe on ${screen}`).toEqual([]);
}

async function cspViolations(): Promise<string[]> {
  return (await page.evaluate('window.__csp')) as string[];
}

async function nav(label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: new RegExp(`^${label}`) }).click();
}

beforeAll(async () => {
  await buildApp();
  h = await startHarness();
  dataset = path.join(h.dir, 'real-data');
  await buildRealDataset(dataset, { small: true });
  pristine = path.join(h.dir, 'pristine');
  await cp(dataset, pristine, { recursive: true });
  page = await h.browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.addInitScript('window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));');
  await page.goto(h.bridge.url);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('desktop UI in Chromium', () => {
  it('starts on an empty Datasets screen, with the token gone from the address bar', async () => {
    await expect.poll(() => page.getByText('No datasets yet').isVisible()).toBe(true);
    expect(page.url()).not.toContain('token');
    await screenshot(page, '01-datasets-empty');
    await expectAccessible('Datasets (empty)');
  });

  it('creates the account in Settings and shows the address and age recipient', async () => {
    await nav('Settings');
    await page.getByLabel('New passphrase').fill('correct horse battery staple');
    await page.getByLabel('Repeat the passphrase').fill('correct horse battery staple');
    await page.getByRole('main').getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByText(/^0x[0-9a-fA-F]{40}$/).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.getByText(/^age1[0-9a-z]+$/).isVisible()).toBe(true);
    await screenshot(page, '02-settings-unlocked');
    await expectAccessible('Settings');
  });

  it('exports an encrypted account backup through the save dialog; the pinning token field is write-only', async () => {
    const out = path.join(h.dir, 'account.backup.age');
    h.dialogAnswers.set('account-backup-out', [out]);
    await page.getByRole('button', { name: 'Export backup…' }).click();
    await expect.poll(() => page.getByText('Backup saved').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await readFile(out, 'utf8')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    // The test bridge has no OS keychain: the token cannot be entered there.
    expect(await page.getByLabel('Token', { exact: true }).isDisabled()).toBe(true);
    await page.getByRole('heading', { name: 'Pinning service token' }).scrollIntoViewIfNeeded();
    await screenshot(page, '02b-settings-backup-token');
    await expectAccessible('Settings (backup, token)');
  });

  it('notarizes the real dataset through the wizard and shows the receipt', async () => {
    await nav('Notarize');
    h.dialogAnswers.set('notarize-folder', [dataset]);
    await page.getByRole('main').getByRole('button', { name: 'Choose folder…' }).click();
    await page.getByRole('main').getByRole('button', { name: 'Review', exact: true }).click();
    await expect.poll(() => page.getByText('Total size').isVisible()).toBe(true);
    const files = await walk(dataset);
    await expect.poll(() => page.getByText(String(files.length), { exact: true }).first().isVisible()).toBe(true);
    await screenshot(page, '03-notarize-review');
    await expectAccessible('Notarize review');
    await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Title').fill('Real research data (e2e)');
    await page.getByLabel('Your name (author)').fill('Ada Lovelace');
    await screenshot(page, '04-notarize-details');
    await expectAccessible('Notarize details');
    await page.getByRole('main').getByRole('button', { name: 'Notarize', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'The receipt is saved' }).isVisible(), { timeout: 90_000 }).toBe(true);
    await screenshot(page, '05-notarize-receipt');
    await expectAccessible('Notarize receipt');
  });

  it('verifies the untouched dataset and exports the report as HTML and PDF naming the receipt SHA-256', async () => {
    await page.getByRole('main').getByRole('button', { name: 'Verify it now' }).click();
    h.dialogAnswers.set('verify-folder', [dataset]);
    await page.getByRole('main').getByRole('button', { name: 'Choose folder…' }).click();
    await page.getByRole('main').getByRole('button', { name: 'Verify', exact: true }).click();
    await expect.poll(() => page.getByRole('status', { name: 'VERIFIED', exact: true }).isVisible(), { timeout: 60_000 }).toBe(true);
    await screenshot(page, '06-verify-pass');
    await expectAccessible('Verify (pass)');

    const receipts = (await readdir(h.dir)).filter((f) => f.endsWith('.notarium-receipt.json'));
    expect(receipts).toHaveLength(1);
    const receiptSha = await sha256(path.join(h.dir, receipts[0] as string));

    await page.getByRole('main').getByRole('button', { name: 'Save report (HTML)' }).click();
    await expect.poll(() => h.savedReports.length).toBe(1);
    const html = await readFile(h.savedReports[0] as string, 'utf8');
    expect(html).toContain(receiptSha);
    expect(html).toContain('VERIFIED');
    await page.getByRole('main').getByRole('button', { name: 'Save report (PDF)' }).click();
    await expect.poll(() => h.savedReports.length, { timeout: 20_000 }).toBe(2);
    expect((await readFile(h.savedReports[1] as string)).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('shows the tampered file as changed after one byte is appended', async () => {
    const target = (await walk(dataset)).find((f) => f.endsWith('.csv')) as string;
    await appendFile(path.join(dataset, target), '1');
    await page.getByRole('main').getByRole('button', { name: 'Verify', exact: true }).click();
    await expect.poll(() => page.getByRole('status', { name: 'NOT VERIFIED', exact: true }).isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => page.getByRole('listitem').filter({ hasText: target }).textContent()).toContain('CHANGED');
    await screenshot(page, '07-verify-tampered');
    await expectAccessible('Verify (tampered)');
  });

  it('retrieves the dataset and checks every restored file', async () => {
    await nav('Retrieve');
    const out = path.join(h.dir, 'restored');
    await page.getByRole('combobox', { name: 'Dataset' }).click();
    await page.getByRole('option', { name: /Real research data/ }).click();
    h.dialogAnswers.set('retrieve-destination', [out]);
    await page.getByRole('main').getByRole('button', { name: 'Choose folder…' }).click();
    await page.getByRole('main').getByRole('button', { name: 'Retrieve', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Retrieved and verified' }).isVisible(), { timeout: 60_000 }).toBe(true);
    await screenshot(page, '08-retrieve-done');
    await expectAccessible('Retrieve');
    const restored = await walk(out);
    expect(restored).toEqual(await walk(pristine));
    for (const f of restored) expect(await sha256(path.join(out, f)), f).toBe(await sha256(path.join(pristine, f)));
  });

  it('lists the dataset as anchored, searchable', async () => {
    await nav('Datasets');
    await expect.poll(() => page.getByText('Real research data (e2e)').isVisible()).toBe(true);
    expect(await page.getByLabel(/^status: anchored/).count()).toBe(1);
    await page.getByRole('textbox', { name: 'Search' }).fill('no such title');
    await expect.poll(() => page.getByText('0 of 1 dataset(s) match').isVisible()).toBe(true);
    await page.getByRole('textbox', { name: 'Search' }).fill('');
    await screenshot(page, '09-datasets');
    await expectAccessible('Datasets');
  });

  it('consent: imports records, links subjects to the dataset, checks a purpose per subject, and the audit log verifies', async () => {
    const consents = path.join(h.dir, 'consents.csv');
    await writeFile(consents, 'subject_id,permission,diseases,modifiers,given_date\nS1,GRU,,,2025-01-10\nS2,HMB,,,2025-02-01\nS3,DS,DOID:162,NCU,2025-03-01\n');
    await nav('Consent');
    await expect.poll(() => page.getByText('No consent records yet').isVisible()).toBe(true);
    await page.getByLabel('Consent file: type a path').fill(consents);
    await page.getByLabel('Consent file: type a path').press('Enter');
    await page.getByRole('main').getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '3 new record(s) for 3 subject(s)' }).isVisible()).toBe(true);
    await page.getByRole('combobox', { name: 'Dataset', exact: true }).click();
    await page.getByRole('option', { name: /Real research data/ }).click();
    await page.getByLabel('Subject ids').fill('S1 S2 S3');
    await page.getByRole('main').getByRole('button', { name: 'Link', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '3 subject(s) linked to the dataset in all' }).isVisible()).toBe(true);
    await page.getByRole('list', { name: 'Consent records' }).scrollIntoViewIfNeeded();
    await expect.poll(() => page.getByLabel('S3 status: active').isVisible()).toBe(true);
    await screenshot(page, '10-consent-records');
    await expectAccessible('Consent records');

    await page.getByRole('tab', { name: 'Check a purpose' }).click();
    await page.getByRole('combobox', { name: 'Dataset', exact: true }).click();
    await page.getByRole('option', { name: /Real research data/ }).click();
    await page.getByRole('main').getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => page.getByRole('status', { name: 'DENY', exact: true }).isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByRole('status', { name: 'DENY', exact: true }).textContent()).toContain('2 of 3 subject(s) allow');
    expect(await page.getByRole('listitem').filter({ hasText: 'S3' }).textContent()).toContain('PERMISSION_MISMATCH');
    await expect.poll(() => page.getByRole('button', { name: 'Derive the eligible subset' }).isVisible()).toBe(true);
    await page.getByRole('status', { name: 'DENY', exact: true }).scrollIntoViewIfNeeded();
    await screenshot(page, '11-consent-check');
    await expectAccessible('Consent check');

    await page.getByRole('tab', { name: 'Audit log' }).click();
    await expect.poll(() => page.getByRole('status', { name: 'VERIFIED', exact: true }).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.getByRole('listitem').filter({ hasText: 'decision' }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole('button', { name: 'Verify again' }).getAttribute('data-loading')).toBe(null);
    await screenshot(page, '12-consent-log');
    await expectAccessible('Consent audit log');
  });

  it('shares the dataset with an age recipient for a purpose its subjects consented to, and shows the ticket path', async () => {
    const { recipient } = await generateAgeIdentity();
    const ticketPath = path.join(h.dir, 'for-recipient.share.json');
    await nav('Datasets');
    await page.getByRole('button', { name: 'Share Real research data (e2e)' }).click();
    const panel = page.getByRole('region', { name: 'Share Real research data (e2e)' });
    await panel.getByLabel('Recipient (age public key)').fill(recipient);
    h.dialogAnswers.set('share-ticket', [ticketPath]);
    await panel.getByRole('button', { name: 'Save ticket as…' }).click();
    await panel.getByRole('radio', { name: /^DS — / }).check();
    await panel.getByLabel('Diseases studied').fill('DOID:162');
    await screenshot(page, '13-share-form');
    await panel.getByRole('button', { name: 'Share', exact: true }).click();
    await expect.poll(() => panel.getByRole('status').filter({ hasText: ticketPath }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(JSON.parse(await readFile(ticketPath, 'utf8'))).toMatchObject({ format: 'notarium-share-ticket', recipient, title: 'Real research data (e2e)' });
    await screenshot(page, '14-share-done');
    await expectAccessible('Share');
  });

  it('co-authors: exports a draft naming the authors (ORCID check digit verified), shows who has signed, and anchors it', async () => {
    const paper = path.join(h.dir, 'paper');
    await mkdir(paper);
    await writeFile(path.join(paper, 'table.csv'), 'gene,expression\nBRCA1,2.5\n');
    await nav('Co-authors');
    await expect.poll(() => page.getByLabel('Author 1 address').inputValue()).toMatch(/^0x[0-9a-fA-F]{40}$/);
    await page.getByLabel('Author 1 ORCID iD').fill('0000-0002-1825-0098');
    await expect.poll(() => page.getByText('Not a valid ORCID iD', { exact: false }).isVisible()).toBe(true);
    await page.getByLabel('Author 1 ORCID iD').fill('0000-0002-1825-0097');
    await page.getByLabel('Author 1 name').fill('Ada Lovelace');
    await page.getByLabel('Dataset: type a path').fill(paper);
    await page.getByLabel('Dataset: type a path').press('Enter');
    await page.getByLabel('Title').fill('Expression table (co-authored)');
    await screenshot(page, '15-coauthors-draft');
    await expectAccessible('Co-authors draft');
    await page.getByRole('main').getByRole('button', { name: 'Export draft' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '0 of 1 author(s) signed; you sign when you anchor' }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByRole('list', { name: 'Authors and signatures' }).textContent()).toContain('ORCID 0000-0002-1825-0097');
    await screenshot(page, '16-coauthors-signatures');
    await expectAccessible('Co-authors signatures');
    await page.getByRole('main').getByRole('button', { name: 'Anchor', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'The receipt is saved' }).isVisible(), { timeout: 30_000 }).toBe(true);
    const receipt = JSON.parse(await readFile(path.join(h.dir, (await readdir(h.dir)).find((f) => f.startsWith('expression-table') && f.endsWith('.notarium-receipt.json')) ?? 'missing'), 'utf8')) as { authors: { name?: string; orcid?: string }[] };
    expect(receipt.authors).toMatchObject([{ name: 'Ada Lovelace', orcid: '0000-0002-1825-0097' }]);
  });

  it('is keyboard navigable: Tab reaches the navigation and Enter switches screens', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Datasets/ }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Notarize a dataset' }).isVisible()).toBe(true);
  });

  it('never violated the CSP', async () => {
    expect(await cspViolations()).toEqual([]);
  });
});

describe('security in the browser', () => {
  it('the CSP blocks injected inline script', async () => {
    await page.evaluate(`(() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = true'; document.body.append(s); })()`);
    expect(await page.evaluate('window.__pwned === true')).toBe(false);
    expect((await cspViolations()).some((v) => v.startsWith('script-src'))).toBe(true);
  });

  it('window.notarium cannot be replaced by page script', async () => {
    expect(await page.evaluate(`(() => { try { window.notarium = {}; } catch {} try { window.notarium.status = null; } catch {} return typeof window.notarium.status; })()`)).toBe('function');
  });

  it('a page from a foreign origin cannot call the bridge, even knowing the token', async () => {
    const foreign = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>foreign</title>');
    });
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', () => r()));
    try {
      const other = await h.browser.newPage();
      await other.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
      // A "simple" request needs no preflight: the browser sends it, the bridge must refuse it (Origin, no token).
      const result = await other.evaluate(`fetch(${JSON.stringify(`${h.bridge.origin}/__bridge/call/lock`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"request":{}}' }).then(r => 'type:' + r.type, e => 'error:' + e.message)`);
      expect(String(result)).toMatch(/^type:opaque$|^error:/);
      const withToken = await other.evaluate(`fetch(${JSON.stringify(`${h.bridge.origin}/__bridge/call/status`)}, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ${h.bridge.token}' }, body: '{"request":{}}' }).then(r => r.status, e => 'blocked:' + e.name)`);
      expect(String(withToken)).toMatch(/^blocked:TypeError$|^403$/);
      await other.close();
    } finally {
      foreign.close();
    }
    // The lock request did nothing: the account is still unlocked.
    expect(await page.evaluate('window.notarium.status({}).then(o => o.value.unlocked)')).toBe(true);
  });
});
