/**
 * Native dialogs and report saving for the shell ports (shell-handlers.ts). The PDF is
 * printed by Chromium (`webContents.printToPDF`) from the same HTML the HTML export
 * writes, in a hidden sandboxed window with JavaScript off.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BrowserWindow, dialog, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import { SAVE_PURPOSES, type ParsedRequestOf } from '../../shared/api/index.ts';
import { hardenWebContents } from './window.ts';

type Purpose = ParsedRequestOf<'pickPaths'>['purpose'];
type SavePurpose = (typeof SAVE_PURPOSES)[number];

const JSON_FILES = [{ name: 'JSON', extensions: ['json'] }];

const SAVERS: Record<SavePurpose, SaveDialogOptions> = {
  'consent-export': { title: 'Export consent records (FHIR R4 Bundle)', defaultPath: 'consents.fhir.json', filters: JSON_FILES },
  'subset-output': { title: 'Save the eligible subset as', defaultPath: 'eligible-subset' },
  'share-ticket': { title: 'Save the share ticket for the recipient', defaultPath: 'share-ticket.json', filters: JSON_FILES },
  'account-backup-out': { title: 'Save the encrypted account backup as', defaultPath: 'notarium-account.backup.age', filters: [{ name: 'age files', extensions: ['age'] }] },
};

const PICKERS: Record<Exclude<Purpose, SavePurpose>, OpenDialogOptions> = {
  'notarize-files': { title: 'Choose the files to notarize', properties: ['openFile', 'multiSelections'] },
  'notarize-folder': { title: 'Choose the dataset folder to notarize', properties: ['openDirectory'] },
  'verify-files': { title: 'Choose the files to verify', properties: ['openFile', 'multiSelections'] },
  'verify-folder': { title: 'Choose the folder to verify', properties: ['openDirectory'] },
  receipt: { title: 'Choose the receipt', properties: ['openFile'], filters: [{ name: 'Notarium receipts', extensions: ['json'] }] },
  'retrieve-destination': { title: 'Choose an empty destination folder', properties: ['openDirectory', 'createDirectory'] },
  'consent-file': { title: 'Choose a consent file (CSV, FHIR JSON or disease TSV)', properties: ['openFile'], filters: [{ name: 'Consent files', extensions: ['csv', 'tsv', 'json'] }] },
  'link-source': { title: 'Choose the file naming the subjects (CSV, VCF or a list)', properties: ['openFile'] },
  'subset-input': { title: "Choose the dataset's CSV or VCF file", properties: ['openFile'] },
  draft: { title: 'Choose the draft', properties: ['openFile'], filters: [{ name: 'Notarium drafts', extensions: ['json'] }] },
  'account-backup': { title: 'Choose the account backup', properties: ['openFile'], filters: [{ name: 'Notarium account backups', extensions: ['age'] }, { name: 'All files', extensions: ['*'] }] },
  'signature-files': { title: 'Choose the co-authors\u2019 signature files', properties: ['openFile', 'multiSelections'], filters: [{ name: 'Notarium signatures', extensions: ['json'] }] },
};

const isSavePurpose = (p: Purpose): p is SavePurpose => (SAVE_PURPOSES as readonly string[]).includes(p);

/** Open dialogs answer the chosen paths; save dialogs (SAVE_PURPOSES) the one new file's path. Empty when cancelled. */
export async function pickPaths(win: BrowserWindow, purpose: Purpose): Promise<string[]> {
  if (isSavePurpose(purpose)) {
    const r = await dialog.showSaveDialog(win, SAVERS[purpose]);
    return r.canceled || r.filePath === undefined || r.filePath === '' ? [] : [r.filePath];
  }
  const r = await dialog.showOpenDialog(win, PICKERS[purpose]);
  return r.canceled ? [] : r.filePaths;
}

export async function saveReport(win: BrowserWindow, req: ParsedRequestOf<'saveReport'>): Promise<string | null> {
  const ext = req.format;
  const base = req.suggestedName.replace(/\.(html|pdf)$/i, '');
  const r = await dialog.showSaveDialog(win, {
    title: ext === 'pdf' ? 'Save the report as PDF' : 'Save the report as HTML',
    defaultPath: `${base}.${ext}`,
    filters: [{ name: ext.toUpperCase(), extensions: [ext] }],
  });
  if (r.canceled || r.filePath === undefined) return null;
  if (ext === 'html') await writeFile(r.filePath, req.html, 'utf8');
  else await writeFile(r.filePath, await printHtmlToPdf(req.html));
  return r.filePath;
}

async function printHtmlToPdf(html: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'notarium-report-'));
  const printer = new BrowserWindow({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
  hardenWebContents(printer.webContents);
  try {
    const file = path.join(dir, 'report.html');
    await writeFile(file, html, { mode: 0o600 });
    await printer.loadFile(file);
    return await printer.webContents.printToPDF({ pageSize: 'A4', printBackground: true, margins: { top: 0.5, bottom: 0.5, left: 0.5, right: 0.5 } });
  } finally {
    printer.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
