/**
 * verifyFiles on datasets of many files, against receipts built and signed here (offline
 * checks only; the chain part is covered by test/integration): files are hashed
 * concurrently, so every verdict must still belong to its own file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { verifyFiles } from '../../../main/core/notary/verify.ts';
import type { Progress } from '../../../main/core/notary/progress.ts';
import { READ_CHUNK_BYTES } from '../../../main/core/notary/hash.ts';
import { excerptOf, serializeReceipt, type Receipt } from '../../../shared/receipt/index.ts';
import { signedReceiptOf } from '../../helpers/signed-receipt.ts';
import { tempDir } from '../../helpers/tmp.ts';

const sha256Hex = (b: Buffer): string => `0x${createHash('sha256').update(b).digest('hex')}`;
const randomHex32 = (): string => `0x${randomBytes(32).toString('hex')}`;

/** A receipt for `files` (dataset paths and bytes), signed by a fresh key, as notarize would write it. */
function signedReceipt(files: { path: string; data: Buffer }[]): Receipt {
  return signedReceiptOf(files.map((f) => ({ path: f.path, size: f.data.length, sha256: sha256Hex(f.data), salt: randomHex32() })), { title: 'many files' });
}

describe('verifyFiles on many files', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let folder: string;
  let receiptPath: string;
  const files: { path: string; data: Buffer }[] = [];

  beforeAll(async () => {
    tmp = await tempDir();
    folder = path.join(tmp.dir, 'dataset');
    for (let i = 0; i < 240; i++) {
      // Mostly small files in sub-folders, a few larger than one read chunk so they finish last.
      const data = randomBytes(i % 40 === 0 ? READ_CHUNK_BYTES + 1000 * i : 50 + i * 3);
      files.push({ path: `d${i % 4}/f${String(i).padStart(3, '0')}.bin`, data });
    }
    for (const f of files) {
      await mkdir(path.dirname(path.join(folder, f.path)), { recursive: true });
      await writeFile(path.join(folder, f.path), f.data);
    }
    receiptPath = path.join(tmp.dir, 'receipt.json');
    await writeFile(receiptPath, JSON.stringify(signedReceipt(files)));
  });

  afterAll(async () => {
    await tmp.cleanup();
  });

  it('passes every file of an untouched folder, each verdict carrying its own file hash', async () => {
    const report = await verifyFiles({ inputs: [folder], receiptPath, offline: true, chain: null });
    expect(report.ok).toBe(true);
    expect(report.files).toHaveLength(files.length);
    const expected = new Map(files.map((f) => [f.path, sha256Hex(f.data)]));
    for (const v of report.files) {
      expect(v.status).toBe('pass');
      expect(v.observedSha256).toBe(expected.get(v.path));
    }
  });

  it('fails exactly the tampered file among many with HASH_MISMATCH', async () => {
    const victim = files[37] as { path: string; data: Buffer };
    const altered = Buffer.from(victim.data);
    altered[0] = (altered[0] as number) ^ 1;
    await writeFile(path.join(folder, victim.path), altered);
    try {
      const report = await verifyFiles({ inputs: [folder], receiptPath, offline: true, chain: null });
      expect(report.ok).toBe(false);
      const failed = report.files.filter((f) => f.status !== 'pass');
      expect(failed.map((f) => [f.path, f.content.code, f.observedSha256])).toEqual([[victim.path, 'HASH_MISMATCH', sha256Hex(altered)]]);
    } finally {
      await writeFile(path.join(folder, victim.path), victim.data);
    }
  });

  it('matches single files by content whatever their names', async () => {
    const picked = [files[0], files[5], files[80]] as { path: string; data: Buffer }[];
    const loose = path.join(tmp.dir, 'loose');
    await mkdir(loose);
    const inputs: string[] = [];
    for (const [i, f] of picked.entries()) {
      inputs.push(path.join(loose, `renamed-${i}.bin`));
      await writeFile(inputs[i] as string, f.data);
    }
    const report = await verifyFiles({ inputs, receiptPath, offline: true, chain: null });
    expect(report.ok).toBe(true);
    expect(report.files.map((f) => f.path)).toEqual(picked.map((f) => f.path));
  });

  it('gives the same report with the receipt read in a worker, in this thread, or again here after the worker failed', async () => {
    const broken = path.join(tmp.dir, 'broken-worker.mjs');
    await writeFile(broken, "throw new Error('this worker cannot run');\n");
    const inThread = await verifyFiles({ inputs: [folder], receiptPath, offline: true, chain: null, receiptWorker: { workerUrl: null } });
    const inWorker = await verifyFiles({ inputs: [folder], receiptPath, offline: true, chain: null, receiptWorker: { minBytes: 0 } });
    const afterFailure = await verifyFiles({ inputs: [folder], receiptPath, offline: true, chain: null, receiptWorker: { minBytes: 0, workerUrl: pathToFileURL(broken) } });
    expect(inThread.ok).toBe(true);
    expect(inWorker).toEqual(inThread);
    expect(afterFailure).toEqual(inThread);
  });

  it('fails exactly the file whose proof was damaged in the receipt (PROOF_INVALID), read in a worker or not', async () => {
    const receipt = JSON.parse(await readFile(receiptPath, 'utf8')) as Receipt;
    const victim = receipt.files[123] as Receipt['files'][number];
    const sibling = victim.proof[2] as string;
    victim.proof[2] = `${sibling.slice(0, -1)}${sibling.endsWith('0') ? '1' : '0'}`;
    const damaged = path.join(tmp.dir, 'damaged-proof.json');
    await writeFile(damaged, JSON.stringify(receipt, null, 2));
    for (const receiptWorker of [{ minBytes: 0 }, { workerUrl: null }]) {
      const report = await verifyFiles({ inputs: [folder], receiptPath: damaged, offline: true, chain: null, receiptWorker });
      expect(report.ok).toBe(false);
      expect(report.checks.root.status).toBe('pass');
      expect(report.files.filter((f) => f.status !== 'pass').map((f) => [f.path, f.content.status, f.proof.code])).toEqual([[victim.path, 'pass', 'PROOF_INVALID']]);
    }
  });

  it('verifies single files against an excerpt of the receipt, read in a worker or not', async () => {
    const receipt = JSON.parse(await readFile(receiptPath, 'utf8')) as Receipt;
    const picked = [files[3], files[150]] as { path: string; data: Buffer }[];
    const excerptPath = path.join(tmp.dir, 'excerpt.json');
    await writeFile(excerptPath, serializeReceipt(excerptOf(receipt, picked.map((f) => f.path))));
    for (const receiptWorker of [{ minBytes: 0 }, { workerUrl: null }]) {
      const report = await verifyFiles({ inputs: picked.map((f) => path.join(folder, f.path)), receiptPath: excerptPath, offline: true, chain: null, receiptWorker });
      expect(report.ok).toBe(true);
      expect(report.receipt.kind).toBe('excerpt');
      expect(report.checks.root.status).toBe('skipped');
      expect(report.files.map((f) => [f.path, f.proof.status])).toEqual(picked.map((f) => [f.path, 'pass']));
    }
  });

  it('reports a receipt that is not one, missing or a folder by code, from the worker as from this thread', async () => {
    const cut = path.join(tmp.dir, 'cut.json');
    await writeFile(cut, (await readFile(receiptPath, 'utf8')).slice(0, 50_000));
    for (const receiptWorker of [{ minBytes: 0 }, { workerUrl: null }]) {
      const codeOf = (receipt: string): Promise<unknown> => verifyFiles({ inputs: [folder], receiptPath: receipt, offline: true, chain: null, receiptWorker }).then(() => 'resolved', (e: { code?: string }) => e.code);
      expect(await codeOf(cut)).toBe('RECEIPT_INVALID');
      expect(await codeOf(path.join(tmp.dir, 'nowhere.json'))).toBe('NOT_FOUND');
      expect(await codeOf(folder)).toBe('INVALID_INPUT');
    }
  });

  it.runIf(process.platform !== 'win32')('reads a receipt of receiptFirstBytes or more before it hashes any file, and one under it meanwhile', async () => {
    // The receipt comes through a named pipe: reading it waits until this test writes it.
    const run = async (receiptFirstBytes: number): Promise<{ progressBeforeReceipt: number; ok: boolean }> => {
      const fifo = path.join(tmp.dir, `receipt-${receiptFirstBytes}.fifo`);
      await promisify(execFile)('mkfifo', [fifo]);
      const events: Progress[] = [];
      const verifying = verifyFiles({ inputs: [folder], receiptPath: fifo, offline: true, chain: null, receiptFirstBytes, receiptWorker: { workerUrl: null }, onProgress: (p) => events.push(p) });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const progressBeforeReceipt = events.filter((e) => e.filesDone > 0).length;
      await writeFile(fifo, await readFile(receiptPath));
      return { progressBeforeReceipt, ok: (await verifying).ok };
    };
    // A pipe's size is 0 bytes: at or over a bound of 0, under a bound of 1.
    expect(await run(0)).toEqual({ progressBeforeReceipt: 0, ok: true });
    const overlapped = await run(1);
    expect(overlapped.ok).toBe(true);
    expect(overlapped.progressBeforeReceipt).toBeGreaterThan(0);
  });

  it('reports progress up to every file and byte', async () => {
    const events: Progress[] = [];
    await verifyFiles({ inputs: [folder], receiptPath, offline: true, chain: null, onProgress: (p) => events.push(p) });
    const last = events.at(-1);
    expect(last?.phase).toBe('verifying');
    expect(last?.filesDone).toBe(files.length);
    expect(last?.bytesDone).toBe(files.reduce((s, f) => s + f.data.length, 0));
  });
});
