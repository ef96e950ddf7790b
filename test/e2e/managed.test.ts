/**
 * The lab's managed settings in the real UI (issue 6), in headless Chromium against the
 * bundled core started with a managed settings file: the fixed network shows read-only
 * with "set by your lab", public mode is gone from Notarize and the lab's recipient is
 * listed as fixed. The file is trusted because these tests run as its owner, root.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, screenshot, startHarness, type Harness } from './harness.ts';

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LAB_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

let h: Harness;
let page: Page;

async function expectAccessible(screen: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))`)) as string[];
  expect(violations, `axe on ${screen}`).toEqual([]);
}

beforeAll(async () => {
  await buildApp();
  h = await startHarness({
    managedSettings: {
      // Port 9 (discard) on loopback: nothing here connects to it, and nothing could leave the machine.
      network: { name: 'lab-sepolia', chainId: 11155111, rpcUrl: 'http://127.0.0.1:9', registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
      allowPublicMode: false,
      defaultRecipients: [LAB_RECIPIENT],
    },
  });
  page = await h.browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(h.bridge.url);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('managed (lab) settings in Chromium', () => {
  it('Settings shows the lab network read-only, marked "set by your lab"', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Settings/ }).click();
    await expect.poll(() => page.getByText('Some settings are set by your lab').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByText('http://127.0.0.1:9').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Use the embedded devnet' }).count()).toBe(0);
    await screenshot(page, '20-settings-managed');
    await expectAccessible('Settings (managed)');
  });

  it('Notarize offers no public mode and lists the lab recipient as fixed', async () => {
    await page.getByLabel('New passphrase').fill('correct horse battery staple');
    await page.getByLabel('Repeat the passphrase').fill('correct horse battery staple');
    await page.getByRole('main').getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByText(/^0x[0-9a-fA-F]{40}$/).isVisible(), { timeout: 20_000 }).toBe(true);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Notarize/ }).click();
    const folder = path.join(h.dir, 'cohort');
    await mkdir(folder);
    await writeFile(path.join(folder, 'visits.csv'), 'participant,visit\nS1,1\n');
    h.dialogAnswers.set('notarize-folder', [folder]);
    await page.getByRole('main').getByRole('button', { name: 'Choose folder…' }).click();
    await page.getByRole('main').getByRole('button', { name: 'Review', exact: true }).click();
    await page.getByRole('main').getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByText(/does not allow public/).isVisible()).toBe(true);
    expect(await page.getByText('Public', { exact: true }).count()).toBe(0);
    expect(await page.getByText(LAB_RECIPIENT).isVisible()).toBe(true);
    await screenshot(page, '21-notarize-managed');
    await expectAccessible('Notarize details (managed)');
  });
});
