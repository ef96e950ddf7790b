/**
 * Receipt excerpts (docs/RECEIPT.md §6) in shared/receipt: built from a parsed receipt,
 * versioned apart from full receipts, verified offline like one except for the manifest
 * and the whole-tree root, which are reported as not included.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  excerptOf,
  isReceiptExcerpt,
  parseAnyReceipt,
  parseReceipt,
  parseReceiptExcerpt,
  sameFileName,
  serializeReceipt,
  verifyReceiptOffline,
  type Receipt,
  type ReceiptExcerpt,
} from '../../../shared/receipt/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const receiptText = readFileSync(path.join(ROOT, 'docs/example-receipt.json'), 'utf8');
const receipt = parseReceipt(receiptText);
// Files of the worked example: cohort.csv (18 bytes) and notes.txt (11 bytes).
const cohort = { path: 'cohort.csv', size: 18, sha256: '0x92eb90eefe62be91d094d952b80c072f2e4cc031fcb2658b5f5ea89ba30d604e' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('receipt excerpts', () => {
  it('keeps the signed statement and anchor, only the named files with their proofs, and no manifest', () => {
    const excerpt = excerptOf(receipt, ['notes.txt', 'cohort.csv']);
    expect(excerpt).toMatchObject({ format: 'notarium-receipt', version: 2, kind: 'excerpt' });
    const { manifest: _m, files: _f, format: _fo, version: _v, ...statement } = receipt;
    const { files, format: _x, version: _y, kind: _k, ...kept } = excerpt;
    expect(kept).toEqual(statement);
    expect('manifest' in excerpt).toBe(false);
    expect(files).toEqual([receipt.files[1], receipt.files[0]]);
    expect(Object.keys(excerpt)).toEqual(['format', 'version', 'kind', 'network', 'contract', 'root', 'title', 'authors', 'supersedes', 'manifestDigest', 'storage', 'anchor', 'files']);
  });

  it('parses back as an excerpt; the full-receipt parser refuses it by name, the excerpt parser refuses a full receipt', () => {
    const text = serializeReceipt(excerptOf(receipt, ['cohort.csv']));
    const parsed = parseAnyReceipt(text);
    expect(isReceiptExcerpt(parsed)).toBe(true);
    expect(parseReceiptExcerpt(text)).toEqual(parsed);
    expect(isReceiptExcerpt(parseAnyReceipt(receiptText))).toBe(false);
    expect(() => parseReceipt(text)).toThrow(/receipt excerpt.*full receipt/s);
    expect(codeOf(() => parseReceiptExcerpt(receiptText))).toBe('RECEIPT_INVALID');
  });

  it('refuses unknown versions and kinds, a manifest inside an excerpt, and an excerpt without files', () => {
    const excerpt = JSON.parse(serializeReceipt(excerptOf(receipt, ['cohort.csv']))) as Record<string, unknown>;
    const variants: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...excerpt, version: 3 }, /Unsupported receipt version 3/],
      [{ ...excerpt, kind: 'full' }, /kind "full"/],
      [{ ...excerpt, manifest: receipt.manifest }, /malformed/],
      [{ ...excerpt, files: [] }, /malformed/],
    ];
    for (const [value, message] of variants) {
      expect(() => parseAnyReceipt(JSON.stringify(value))).toThrow(message);
      expect(codeOf(() => parseAnyReceipt(JSON.stringify(value)))).toBe('RECEIPT_INVALID');
    }
  });

  it('verifies offline like a receipt: content, proof and signature pass; manifest and root are not included', () => {
    const excerpt = parseAnyReceipt(serializeReceipt(excerptOf(receipt, ['cohort.csv'])));
    const v = verifyReceiptOffline(excerpt, [cohort], 'content');
    expect(v.receipt.manifest).toMatchObject({ status: 'skipped', message: expect.stringMatching(/Not included in this excerpt/) });
    expect(v.receipt.root).toMatchObject({ status: 'skipped', message: expect.stringMatching(/Not included in this excerpt/) });
    expect(v.computed).toEqual({ manifestDigest: null, root: null });
    expect(v.authors.map((a) => a.signature.status)).toEqual(['pass']);
    expect(v.files).toMatchObject([{ path: 'cohort.csv', status: 'pass', content: { status: 'pass' }, proof: { status: 'pass' } }]);
    // The same digest as the full receipt: the authors' signatures cover both.
    expect(v.digest).toBe(verifyReceiptOffline(receipt, [cohort], 'content').digest);
    // A folder holding other files of the dataset: those are not in the excerpt, not "outside the dataset".
    const folder = verifyReceiptOffline(excerpt, [cohort, { path: 'notes.txt', size: 11, sha256: `0x${'00'.repeat(32)}` }], 'path');
    expect(folder.files.map((f) => [f.path, f.status, f.content.message])).toEqual([
      ['cohort.csv', 'pass', expect.any(String)],
      ['notes.txt', 'unlisted', 'This file is not in this receipt excerpt.'],
    ]);
  });

  it('detects tampering: other content, a changed proof, a changed signed field', () => {
    const excerpt = excerptOf(receipt, ['cohort.csv']);
    const entry = excerpt.files[0] as ReceiptExcerpt['files'][number];
    expect(verifyReceiptOffline(excerpt, [{ ...cohort, sha256: `0x${'ab'.repeat(32)}` }], 'path').files[0]?.content.code).toBe('HASH_MISMATCH');
    const badProof: ReceiptExcerpt = { ...excerpt, files: [{ ...entry, proof: [`0x${'11'.repeat(32)}`] }] };
    expect(verifyReceiptOffline(badProof, [cohort], 'content').files[0]?.proof.code).toBe('PROOF_INVALID');
    const otherDigest: ReceiptExcerpt = { ...excerpt, manifestDigest: `0x${'22'.repeat(32)}` };
    expect(verifyReceiptOffline(otherDigest, [cohort], 'content').authors[0]?.signature.status).toBe('skipped');
  });

  it('refuses an unknown path (naming receipt paths of that file name), a path twice, and a proof that does not lead to the root', () => {
    expect(() => excerptOf(receipt, ['data/cohort.csv'])).toThrow(/no file at "data\/cohort.csv".*cohort\.csv/);
    expect(codeOf(() => excerptOf(receipt, ['data/cohort.csv']))).toBe('NOT_FOUND');
    // A name typed in decomposed form (as macOS gives it) is suggested under its stored form.
    expect(sameFileName('x/re\u0301sume\u0301.txt', 'a/r\u00e9sum\u00e9.txt')).toBe(true);
    expect(sameFileName('x/resume.txt', 'a/r\u00e9sum\u00e9.txt')).toBe(false);
    expect(codeOf(() => excerptOf(receipt, ['cohort.csv', 'cohort.csv']))).toBe('INVALID_INPUT');
    expect(codeOf(() => excerptOf(receipt, []))).toBe('INVALID_INPUT');
    const damaged: Receipt = { ...receipt, files: receipt.files.map((f) => ({ ...f, proof: [`0x${'33'.repeat(32)}`] })) };
    expect(codeOf(() => excerptOf(damaged, ['notes.txt']))).toBe('PROOF_INVALID');
  });

  it('the full receipt still verifies: the root recomputed on bytes equals the anchored one', () => {
    const v = verifyReceiptOffline(receipt, [cohort], 'content');
    expect(v.receipt.manifest.status).toBe('pass');
    expect(v.receipt.root.status).toBe('pass');
    expect(v.computed).toEqual({ manifestDigest: receipt.manifestDigest, root: receipt.root });
  });
});
