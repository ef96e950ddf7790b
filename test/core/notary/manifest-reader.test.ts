/**
 * ManifestReader: a manifest streamed in chunks of any size into a FileTable gives the same
 * members, entries and digest as parseManifest on the whole text, and refuses what
 * parseManifest refuses (the fuzz test in test/fuzz/documents.test.ts compares the two on
 * hostile text).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManifestReader, openManifestPacked, readManifest } from '../../../main/core/notary/manifest-reader.ts';
import { canonicalManifest, manifestDigest, MANIFEST_PROFILE, parseManifest, sortFiles, type Manifest, type ManifestFile } from '../../../shared/notary/manifest.ts';
import { ReceiptChecker, type CheckedReceipt, type Receipt } from '../../../shared/receipt/index.ts';
import { signedReceiptOf } from '../../helpers/signed-receipt.ts';

const hex32 = (): string => `0x${randomBytes(32).toString('hex')}`;
const CID_A = 'bafkreiem2sklrywso3dn5tzs4k3stoxpyxbtixfut6oz4nckuspjzzoajy';
const CID_B = 'bafkreiekvogsclvxvocngco7lfce7y7ordx5emfn5c3bhcoworekhhxk4q';

function manifestOf(n: number): Manifest {
  const files: ManifestFile[] = [];
  for (let i = 0; i < n; i++) files.push({ path: `dir ${i % 7}/fïle-${i} \u{1F600}.csv`, size: i * 37, sha256: hex32(), salt: hex32(), headerCid: CID_A, payloadCid: CID_B });
  return {
    format: 'notarium-manifest',
    version: 1,
    title: 'Cohort ☃ "quoted" \\ title',
    authors: [{ address: '0x822005C3c0C2B05197360EfF9183B32b83fD408f', name: 'Zoë', orcid: '0000-0002-1825-0097' }],
    createdAt: 1_760_000_000,
    public: false,
    leafEncoding: ['bytes32', 'bytes32'],
    profile: MANIFEST_PROFILE,
    files: sortFiles(files),
  };
}

/** The UTF-8 bytes of `text` in chunks of the given sizes, cycling (1-byte chunks split every character). */
async function* chunked(text: string, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length] as number;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

function read(text: string): ReturnType<ManifestReader['end']> {
  const reader = new ManifestReader();
  reader.write(new TextEncoder().encode(text));
  return reader.end(reader.digest());
}

describe('ManifestReader', () => {
  it('reads the members, every entry and the digest of a manifest split anywhere', async () => {
    const m = manifestOf(300);
    const text = canonicalManifest(m);
    for (const sizes of [[1], [3, 1, 7], [65_536], [text.length * 4]]) {
      const got = await readManifest(chunked(text, sizes), 1 << 30, manifestDigest(text));
      const { files, ...head } = m;
      expect(got.head).toEqual(head);
      expect(got.files.length).toBe(files.length);
      expect(got.files.slice(0, files.length)).toEqual(files);
      expect(got.digest).toBe(manifestDigest(text));
    }
  });

  it('refuses non-canonical text, and members a manifest has not or has twice, as parseManifest does', () => {
    const text = canonicalManifest(manifestOf(3));
    const variants = [
      JSON.stringify(JSON.parse(text), null, 1),
      `${text} `,
      text.replace('"createdAt":', '"extra":1,"createdAt":'),
      text.replace('"createdAt":', '"title":"x","createdAt":'),
    ];
    for (const t of variants) {
      expect(() => parseManifest(t)).toThrow(expect.objectContaining({ code: 'RECEIPT_INVALID' }));
      expect(() => read(t)).toThrow(expect.objectContaining({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/canonical|twice/) }));
    }
  });

  it('refuses an unsafe path, naming the entry, and files out of order or duplicated', () => {
    const m = manifestOf(3);
    const evil = { ...m, files: [...m.files.slice(0, 2), { ...(m.files[2] as ManifestFile), path: '../../etc/cron.d/x' }] };
    expect(() => read(canonicalManifest(evil))).toThrow(/unsafe path[\s\S]*files\[2\]\.path/);
    const [a, b] = m.files as [ManifestFile, ManifestFile];
    expect(() => read(canonicalManifest({ ...m, files: [b, a] }))).toThrow(/sorted/);
    expect(() => read(canonicalManifest({ ...m, files: [a, a] }))).toThrow(/duplicates/);
  });

  it('refuses text cut short, no text, an empty files list and member values out of the schema', () => {
    const m = manifestOf(2);
    const text = canonicalManifest(m);
    expect(() => read(text.slice(0, -1))).toThrow(expect.objectContaining({ code: 'RECEIPT_INVALID', message: 'manifest is not JSON' }));
    expect(() => read('')).toThrow(/not JSON/);
    expect(() => read(canonicalManifest({ ...m, files: [] }))).toThrow(/files/);
    expect(() => read(canonicalManifest({ ...m, version: 2 as 1 }))).toThrow(/invalid[\s\S]*version/);
  });

  it('reports a manifest that does not hash to the notarized digest as altered, even when it is also malformed', async () => {
    const text = canonicalManifest(manifestOf(2));
    await expect(readManifest(chunked(text.slice(0, 100), [10]), 1 << 30, manifestDigest(text))).rejects.toMatchObject({ code: 'HASH_MISMATCH', details: { integrity: 'altered' } });
    await expect(readManifest(chunked(text, [10]), 100, manifestDigest(text))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('openManifestPacked (the receipt checker of `notarium verify`)', () => {
  const check = (receipt: Receipt, packed: boolean): CheckedReceipt => {
    const { files, ...head } = receipt;
    const checker = packed ? new ReceiptChecker(head, openManifestPacked) : new ReceiptChecker(head);
    for (const f of files) checker.add(f);
    return checker.result();
  };

  it('checks a receipt exactly as the whole-text parse does: intact, with an entry or the manifest altered', () => {
    const files = Array.from({ length: 300 }, (_, i) => ({ path: `d${i % 3}/fïle ${String(i).padStart(4, '0')}.csv`, size: i, sha256: hex32(), salt: hex32() }));
    const intact = signedReceiptOf(files, { title: 'packed' });
    const entryAltered = structuredClone(intact);
    (entryAltered.files[7] as { size: number }).size += 1;
    const manifestAltered = { ...structuredClone(intact), manifest: intact.manifest.replace('"size":5', '"size":6') };
    const notCanonical = { ...structuredClone(intact), manifest: `${intact.manifest} ` };
    notCanonical.manifestDigest = manifestDigest(notCanonical.manifest);
    for (const [what, receipt] of [['intact', intact], ['an entry altered', entryAltered], ['the manifest altered', manifestAltered], ['not canonical', notCanonical]] as const) {
      const [whole, packed] = [check(receipt, false), check(receipt, true)];
      expect(packed, what).toEqual(whole);
    }
    expect(check(intact, true).manifest.status).toBe('pass');
    expect(check(intact, true).root.status).toBe('pass');
    expect(check(entryAltered, true).manifest.message).toContain('file #7');
    expect(check(manifestAltered, true).manifest.message).toContain('hashes to');
    expect(check(notCanonical, true).manifest.message).toContain('canonical');
  });
});
