/**
 * ReceiptStreamReader: a receipt read from its bytes in chunks gives the head and the
 * entries parseAnyReceipt gives, whatever the chunk boundaries, and refuses what it
 * refuses (RECEIPT_INVALID), also when the bad part comes after thousands of entries.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNotariumError } from '../../../shared/errors.ts';
import {
  excerptOf,
  MANIFEST_STREAMED,
  parseAnyReceipt,
  parseReceipt,
  ReceiptStreamReader,
  serializeReceipt,
  type AnyReceipt,
  type AnyReceiptHead,
  type ReceiptFile,
} from '../../../shared/receipt/index.ts';
import { hostileText, TEXT_RUNS } from '../../fuzz/arbitraries.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const receiptText = readFileSync(path.join(ROOT, 'docs/example-receipt.json'), 'utf8');
const receipt = parseReceipt(receiptText);
const encoder = new TextEncoder();

/**
 * Streams `text` in chunks of `chunkBytes` and reassembles the receipt the sink saw.
 * @param manifest when given, the sink takes the manifest's bytes (ReceiptSink.manifest): each opened sink's chunks are pushed as one array.
 */
function streamed(text: string, chunkBytes = 64, manifest?: Uint8Array[][]): AnyReceipt {
  let head: AnyReceiptHead | undefined;
  const files: ReceiptFile[] = [];
  const reader = new ReceiptStreamReader({
    ...(manifest === undefined
      ? {}
      : {
          manifest: () => {
            const chunks: Uint8Array[] = [];
            manifest.push(chunks);
            // Copied: the reader reuses its buffer after the call.
            return { write: (bytes: Uint8Array) => chunks.push(bytes.slice()) };
          },
        }),
    head: (h) => {
      expect(head, 'the head is handed over once').toBeUndefined();
      expect(files, 'the head comes before any entry').toHaveLength(0);
      head = h;
    },
    file: (entry, index) => {
      expect(index).toBe(files.length);
      files.push(entry);
    },
  });
  const bytes = encoder.encode(text);
  for (let at = 0; at < bytes.length; at += chunkBytes) reader.write(bytes.subarray(at, at + chunkBytes));
  const end = reader.end();
  expect(end.files).toBe(files.length);
  return { ...(head as AnyReceiptHead), files } as AnyReceipt;
}

function failure(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn();
  } catch (e) {
    if (!isNotariumError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  return undefined;
}

/** The example receipt with `files` repeated to `n` entries (paths made unique), as pretty JSON. */
function bigReceiptText(n: number, edit: (r: Record<string, unknown>) => void = () => undefined): string {
  const base = receipt.files[0] as ReceiptFile;
  const r = { ...receipt, files: Array.from({ length: n }, (_, i) => ({ ...base, path: `d/f${i}.csv` })) } as unknown as Record<string, unknown>;
  edit(r);
  return serializeReceipt(r as unknown as AnyReceipt);
}

describe('ReceiptStreamReader', () => {
  it('gives the head and entries parseAnyReceipt gives, for any chunk size, full receipt or excerpt', () => {
    const excerptText = serializeReceipt(excerptOf(receipt, ['notes.txt']));
    for (const text of [receiptText, excerptText, JSON.stringify(receipt)]) {
      const expected = parseAnyReceipt(text);
      for (const chunk of [1, 7, 4096, 1 << 20]) expect(streamed(text, chunk)).toEqual(expected);
    }
  });

  it('hands each entry over as it is read: the first before the rest of the bytes arrive', () => {
    const text = bigReceiptText(3000);
    const bytes = encoder.encode(text);
    let seen = 0;
    const reader = new ReceiptStreamReader({ head: () => undefined, file: () => (seen += 1) });
    reader.write(bytes.subarray(0, bytes.length / 2));
    expect(seen).toBeGreaterThan(1000);
    expect(seen).toBeLessThan(3000);
    reader.write(bytes.subarray(bytes.length / 2));
    expect(reader.end()).toEqual({ version: 1, files: 3000 });
    expect(seen).toBe(3000);
  });

  it('accepts the head fields in any order, entries first included', () => {
    const { files, ...head } = receipt;
    const reordered = JSON.stringify({ files, ...Object.fromEntries(Object.entries(head).reverse()) });
    expect(streamed(reordered)).toEqual(receipt);
  });

  it('refuses what parseAnyReceipt refuses, by RECEIPT_INVALID and a message naming the problem', () => {
    const { files, ...head } = receipt;
    const cases: Array<[string, RegExp]> = [
      ['', /not valid JSON/],
      ['{"format": "notarium-receipt", ', /cut short: its bytes end before its JSON does/],
      [receiptText.slice(0, receiptText.length >> 1), /cut short/],
      ['{"format": "notarium-receipt" "version": 1}', /not valid JSON/],
      [`${receiptText}}`, /not valid JSON/],
      ['[1, 2]', /not a Notarium receipt/],
      [JSON.stringify({ ...receipt, format: 'other' }), /not a Notarium receipt/],
      [JSON.stringify({ ...receipt, version: 9 }), /Unsupported receipt version 9/],
      [JSON.stringify({ ...receipt, version: 2, kind: 'summary' }), /Unknown receipt kind "summary"/],
      [JSON.stringify({ ...receipt, extra: 1 }), /Unrecognized key: "extra"/],
      [JSON.stringify({ ...head, files, extra: 1 }), /Unrecognized key: "extra"/],
      [JSON.stringify({ ...head, files, kind: 'excerpt' }), /Unrecognized key: "kind"/],
      [JSON.stringify({ ...receipt, files: {} }), /expected array, received object/],
      [JSON.stringify({ ...receipt, files: 'x' }), /expected array, received string/],
      [JSON.stringify({ ...receipt, files: [] }), /files/],
      [JSON.stringify(head), /files/],
      [JSON.stringify({ ...receipt, root: '0x12' }), /root/],
      [JSON.stringify({ ...receipt, manifest: 1 }), /manifest/],
    ];
    for (const [text, message] of cases) {
      const f = failure(() => streamed(text));
      expect(f?.code, text.slice(0, 80)).toBe('RECEIPT_INVALID');
      expect(f?.message, text.slice(0, 80)).toMatch(message);
      expect(failure(() => parseAnyReceipt(text))?.code, `parseAnyReceipt too: ${text.slice(0, 80)}`).toBe('RECEIPT_INVALID');
    }
  });

  it('refuses a top-level field given twice, which JSON.parse would take the last of', () => {
    const cases: Array<[string, RegExp]> = [
      [`{"format": "notarium-receipt", "format": "notarium-receipt"${receiptText.slice(receiptText.indexOf(','))}`, /"format" twice/],
      [`${receiptText.slice(0, receiptText.lastIndexOf('}'))}, "files": ${JSON.stringify(receipt.files)}}`, /"files" twice/],
      [`${receiptText.slice(0, receiptText.lastIndexOf('}'))}, "root": ${JSON.stringify(receipt.root)}}`, /"root" twice/],
    ];
    for (const [text, message] of cases) {
      expect(failure(() => streamed(text))?.message).toMatch(message);
      expect(() => parseAnyReceipt(text)).not.toThrow();
    }
  });

  it('names a malformed entry by its index, even after thousands of good ones', () => {
    const text = bigReceiptText(2500, (r) => {
      ((r['files'] as Record<string, unknown>[])[2400] as Record<string, unknown>)['proof'] = ['0x1234'];
    });
    const f = failure(() => streamed(text, 1 << 16));
    expect(f?.code).toBe('RECEIPT_INVALID');
    expect(f?.message).toMatch(/files\[2400\]\.proof\[0\]/);
  });

  it('on hostile text, accepts exactly what parseAnyReceipt accepts, with the same values', async () => {
    let accepted = 0;
    await fc.assert(
      fc.property(hostileText(receipt), (text) => {
        const ours = failure(() => streamed(text, 97)) ?? { code: 'OK', message: '' };
        const theirs = failure(() => parseAnyReceipt(text)) ?? { code: 'OK', message: '' };
        expect(ours.code, `${ours.message} / ${theirs.message}`).toBe(theirs.code);
        if (ours.code === 'OK') {
          accepted += 1;
          expect(streamed(text, 97)).toEqual(parseAnyReceipt(text));
        }
      }),
      { numRuns: TEXT_RUNS },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  describe('with ReceiptSink.manifest (the manifest text is not built)', () => {
    const decoder = new TextDecoder();
    const joined = (chunks: Uint8Array[]): string => decoder.decode(Buffer.concat(chunks));

    it("hands over the manifest's bytes, escapes decoded, for any chunk size, and the head carries MANIFEST_STREAMED", () => {
      // Escapes of every kind, characters of 2, 3 and 4 UTF-8 bytes, and more than the diverter's 64 KiB buffer.
      const manifestText = `{"q":"\"","nl":"\n","tab":"\t","bs":"\\","ctl":"\u0001","e":"é","cjk":"試料","emoji":"😀","long":"${'x'.repeat(70_000)}é${'y'.repeat(70_000)}"}`;
      const text = bigReceiptText(3, (r) => {
        r['manifest'] = manifestText;
      });
      const plain = parseAnyReceipt(text);
      for (const chunkBytes of [1, 2, 3, 5, 64, 4096, 65_537, text.length]) {
        const manifests: Uint8Array[][] = [];
        const got = streamed(text, chunkBytes, manifests);
        expect(manifests, `chunks of ${chunkBytes}: one manifest`).toHaveLength(1);
        expect(joined(manifests[0] as Uint8Array[]), `chunks of ${chunkBytes}`).toBe(manifestText);
        expect(got).toEqual({ ...plain, manifest: MANIFEST_STREAMED });
      }
    });

    it('diverts only the value of the top-level "manifest": the same word as a value or a nested key is read as before', () => {
      const text = bigReceiptText(2, (r) => {
        r['title'] = 'manifest';
        ((r['files'] as Record<string, unknown>[])[1] as Record<string, unknown>)['path'] = 'manifest';
      });
      const manifests: Uint8Array[][] = [];
      const got = streamed(text, 7, manifests);
      expect(manifests).toHaveLength(1);
      expect(joined(manifests[0] as Uint8Array[])).toBe(receipt.manifest);
      expect(got.title).toBe('manifest');
      expect(got.files[1]?.path).toBe('manifest');
      // A nested key named "manifest" (not a receipt's: refused, by the same message either way).
      const nested = text.replace('"network": {', '"network": {"manifest": "{}", ');
      expect(nested).not.toBe(text);
      const refused = failure(() => streamed(nested, 7, []));
      expect(refused?.code).toBe('RECEIPT_INVALID');
      expect(refused).toEqual(failure(() => streamed(nested, 7)));
    });

    it('refuses a manifest that is not a string, or given twice, as it does without the sink', () => {
      for (const value of ['42', '{"a": "bc"}', '["de"]', 'null']) {
        const text = receiptText.replace(/"manifest": "(?:[^"\\]|\\.)*"/, `"manifest": ${value}`);
        expect(text).not.toBe(receiptText);
        const manifests: Uint8Array[][] = [];
        const refused = failure(() => streamed(text, 5, manifests));
        expect(refused?.code, value).toBe('RECEIPT_INVALID');
        expect(refused, value).toEqual(failure(() => streamed(text, 5)));
        expect(manifests, `${value}: nothing diverted`).toHaveLength(0);
      }
      const twice = `${receiptText.slice(0, receiptText.lastIndexOf('}'))}, "manifest": "{}"}`;
      expect(failure(() => streamed(twice, 64, []))?.message).toMatch(/"manifest" twice/);
    });
  });
});
