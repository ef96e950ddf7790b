/**
 * Native dialogs and report saving for the shell ports (shell-handlers.ts). The PDF is
 * printed by Chromium (`webContents.printToPDF`) from the same HTML the HTML export
 * writes, in a hidden sandboxed window with JavaScript off.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BrowserWindow, dialog, type OpenDialogOptions } from 'electron';
import type { ParsedRequestOf } from '../../shared/api/index.ts';
import { hardenWebContents } from './window.ts';

type Purpose = ParsedRequestOf<'pickPaths'>['purpose'];

const PICKERS: Record<Purpose, OpenDialogOptions> = {
  'notarize-files': { title: 'Choose the files to notarize', properties: ['openFile', 'multiSelections'] },
  'notarize-folder': { title: 'Choose the dataset folder to notarize', properties: ['openDirectory'] },
  'verify-files': { title: 'Choose the files to verify', properties: ['openFile', 'multiSelections'] },
  'verify-folder': { title: 'Choose the folder to verify', properties: ['openDirectory'] },
  receipt: { title: 'Choose the receipt', properties: ['openFile'], filters: [{ name: 'Notarium receipts', extensions: ['json'] }] },
  'retrieve-destination': { title: 'Choose an empty destination folder', properties: ['openDirectory', 'createDirectory'] },
};

export async function pickPaths(win: BrowserWindow, purpose: Purpose): Promise<string[]> {
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
