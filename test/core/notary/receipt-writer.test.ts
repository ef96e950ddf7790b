import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LargeString, jsonStringPieces, writeJsonFileAtomic, writeReceiptFile } from '../../../main/core/notary/receipt-writer.ts';
import { datasetProver } from '../../../shared/notary/leaf.ts';
import { serializeReceipt, type Receipt } from '../../../shared/receipt/index.ts';
import { tempDir } from '../../helpers/tmp.ts';

const hex = (n: number, byte: string): string => `0x${byte.repeat(32)}${''}`.slice(0, 66 - String(n).length) + String(n);

describe('writeReceiptFile', () => {
  it('writes exactly what serializeReceipt gives, for 0, 1 and many files (with non-ASCII paths), and its SHA-256', async () => {
    const tmp = await tempDir();
    try {
      for (const count of [0, 1, 7, 300]) {
        const files = Array.from({ length: count }, (_, i) => ({ path: `sujet-${i}/é\u0301chantillon "${i}".csv`, size: i * 10, sha256: hex(i, 'a1'), salt: hex(i, 'b2') }));
        const prover = count === 0 ? null : datasetProver(files.map((f) => [f.salt, f.sha256]));
        const head: Omit<Receipt, 'files'> = {
          format: 'notarium-receipt',
          version: 1,
          network: { name: 'devnet', chainId: '31337', local: true },
          contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
          root: prover?.root ?? `0x${'00'.repeat(32)}`,
          title: 'Titre: «quoted» \\ and\nnewline',
          authors: [{ address: '0x00000000000000000000000000000000000000aa', signature: '0x12' }],
          supersedes: `0x${'00'.repeat(32)}`,
          manifestDigest: `0x${'cd'.repeat(32)}`,
          manifest: '{"files":[]}',
          storage: { manifestHeaderCid: 'bafkreih', manifestPayloadCid: 'bafkreip' },
          anchor: { txHash: `0x${'ee'.repeat(32)}`, blockNumber: 5, blockHash: `0x${'ff'.repeat(32)}`, blockTime: 1_790_000_000, submitter: '0x00000000000000000000000000000000000000aa' },
        } as Omit<Receipt, 'files'>;
        const entries = files.map((f, i) => ({ ...f, proof: prover?.proof(i) ?? [] }));
        const file = path.join(tmp.dir, `r${count}.json`);
        const written = await writeReceiptFile(file, head, count, (i) => entries[i] as (typeof entries)[number]);
        const expected = serializeReceipt({ ...head, files: entries } as Receipt);
        const actual = await readFile(file, 'utf8');
        expect(actual).toBe(expected);
        expect(written.bytes).toBe(Buffer.byteLength(expected));
        expect(written.sha256).toBe(`0x${createHash('sha256').update(expected).digest('hex')}`);
      }
    } finally {
      await tmp.cleanup();
    }
  });

  it('escapes a manifest of several MiB slice by slice, byte-identical even where a slice would split a surrogate pair', async () => {
    const tmp = await tempDir();
    try {
      // Astral characters (two UTF-16 units) across every slice boundary (after one 'a', each
      // high surrogate sits at an odd index, the last unit of any slice of 2^k units), quotes,
      // control characters, a lone-looking NUL mark and non-ASCII text.
      const manifest = `a${'🧬'.repeat(600_000)}"\\\u0000large0\u0000\n${'é"'.repeat(700_000)}🧬`;
      expect([...jsonStringPieces(manifest)].join('')).toBe(JSON.stringify(manifest));
      const files = [{ path: 'x.csv', size: 1, sha256: hex(1, 'a1'), salt: hex(1, 'b2') }];
      const prover = datasetProver(files.map((f) => [f.salt, f.sha256]));
      const head = {
        format: 'notarium-receipt',
        version: 1,
        network: { name: 'devnet', chainId: '31337', local: true },
        contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
        root: prover.root,
        title: '\u0000files\u0000',
        authors: [{ address: '0x00000000000000000000000000000000000000aa', signature: '0x12' }],
        supersedes: `0x${'00'.repeat(32)}`,
        manifestDigest: `0x${'cd'.repeat(32)}`,
        manifest,
        storage: { manifestHeaderCid: 'bafkreih', manifestPayloadCid: 'bafkreip' },
        anchor: { txHash: `0x${'ee'.repeat(32)}`, blockNumber: 5, blockHash: `0x${'ff'.repeat(32)}`, blockTime: 1_790_000_000, submitter: '0x00000000000000000000000000000000000000aa' },
      } as Omit<Receipt, 'files'>;
      const entries = files.map((f, i) => ({ ...f, proof: prover.proof(i) }));
      const file = path.join(tmp.dir, 'big.json');
      const written = await writeReceiptFile(file, head, 1, (i) => entries[i] as (typeof entries)[number]);
      const expected = serializeReceipt({ ...head, files: entries } as Receipt);
      expect(await readFile(file, 'utf8')).toBe(expected);
      expect(written.sha256).toBe(`0x${createHash('sha256').update(expected).digest('hex')}`);

      // Any document: the LargeString is written as its string would be.
      // (`plain`: a long ordinary string, written past the reused buffer.)
      const doc = { format: 'x/1', draft: { title: 't', manifest: new LargeString(manifest), n: [1, 2] }, plain: 'é'.repeat(400_000), signatures: ['0x1'] };
      const jsonFile = path.join(tmp.dir, 'doc.json');
      await writeJsonFileAtomic(jsonFile, doc);
      expect(await readFile(jsonFile, 'utf8')).toBe(`${JSON.stringify({ ...doc, draft: { ...doc.draft, manifest } }, null, 2)}\n`);

      // A LargeString given in pieces (cut anywhere but inside a surrogate pair) writes the
      // same bytes, in the receipt and in any document, and joins to the same string.
      const cut: string[] = [];
      for (let at = 0; at < manifest.length; ) {
        let end = Math.min(at + 7_777, manifest.length);
        if (end < manifest.length && /[\ud800-\udbff]/.test(manifest.charAt(end - 1))) end -= 1;
        cut.push(manifest.slice(at, end));
        at = end;
      }
      expect(cut.length).toBeGreaterThan(2);
      const inPieces = new LargeString(() => cut);
      expect(String(inPieces)).toBe(manifest);
      const piecesFile = path.join(tmp.dir, 'pieces.json');
      await writeReceiptFile(piecesFile, { ...head, manifest: inPieces }, 1, (i) => entries[i] as (typeof entries)[number]);
      expect(await readFile(piecesFile, 'utf8')).toBe(expected);
      await writeJsonFileAtomic(jsonFile, { ...doc, draft: { ...doc.draft, manifest: inPieces } });
      expect(await readFile(jsonFile, 'utf8')).toBe(`${JSON.stringify({ ...doc, draft: { ...doc.draft, manifest } }, null, 2)}\n`);
    } finally {
      await tmp.cleanup();
    }
  });
});
