/**
 * End-to-end harness: builds the three bundles (electron-vite), starts the BUNDLED core
 * worker on a temp data folder and the test bridge on 127.0.0.1, and launches Debian's
 * headless Chromium through playwright-core (never a downloaded browser).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'electron-vite';
import { CoreHost } from '../../main/app/core-host/host.ts';
import { startTestBridge, type TestBridge } from '../../main/bridge/index.ts';
import type { ParsedRequestOf } from '../../shared/api/index.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

type Purpose = ParsedRequestOf<'pickPaths'>['purpose'];

export interface Harness {
  dir: string;
  core: CoreHost;
  bridge: TestBridge;
  browser: Browser;
  /** What the next native dialog of each purpose answers. */
  dialogAnswers: Map<Purpose, string[]>;
  /** Reports saved through the (scripted) save dialog. */
  savedReports: string[];
  externalUrls: string[];
  close(): Promise<void>;
}

/** Builds the app bundles once per run (≈2 s). */
export async function buildApp(): Promise<void> {
  await build({ configFile: path.join(ROOT, 'electron.vite.config.ts'), root: ROOT, logLevel: 'warn' });
}

/** @param options.managedSettings the lab's managed settings file content (JSON), written root-owned-like (0644) in the temp folder. */
export async function startHarness(options: { managedSettings?: unknown } = {}): Promise<Harness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'notarium-e2e-'));
  let managedSettingsFile: string | undefined;
  if (options.managedSettings !== undefined) {
    managedSettingsFile = path.join(dir, 'managed-settings.json');
    await writeFile(managedSettingsFile, JSON.stringify(options.managedSettings), { mode: 0o644 });
  }
  const core = await CoreHost.start({
    ...(managedSettingsFile === undefined ? {} : { managedSettingsFile }),
    dataDir: path.join(dir, 'data'),
    scryptN: 1024,
    pollIntervalMs: 50,
    workerUrl: new URL(`file://${path.join(ROOT, 'out/main/core-worker.js')}`),
    cipherWorkerHref: new URL(`file://${path.join(ROOT, 'out/main/cipher-worker.js')}`).href,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const dialogAnswers = new Map<Purpose, string[]>();
  const savedReports: string[] = [];
  const externalUrls: string[] = [];
  const reportsDir = path.join(dir, 'reports');
  await mkdir(reportsDir, { recursive: true });
  const bridge = await startTestBridge({
    core,
    rendererDir: path.join(ROOT, 'out/renderer'),
    ports: {
      pickPaths: async (purpose) => dialogAnswers.get(purpose) ?? [],
      saveReport: async (req) => {
        const file = path.join(reportsDir, `${req.suggestedName}.${req.format}`);
        if (req.format === 'html') await writeFile(file, req.html);
        else {
          // The app prints with Electron's printToPDF; here the same Chromium prints the same HTML.
          const page = await browser.newPage();
          await page.setContent(req.html);
          await page.pdf({ path: file, format: 'A4', printBackground: true });
          await page.close();
        }
        savedReports.push(file);
        return file;
      },
      openExternal: async (url) => {
        externalUrls.push(url);
      },
    },
  });
  return {
    dir,
    core,
    bridge,
    browser,
    dialogAnswers,
    savedReports,
    externalUrls,
    close: async () => {
      await browser.close();
      await bridge.close();
      await core.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot into test/e2e/artifacts (gitignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
