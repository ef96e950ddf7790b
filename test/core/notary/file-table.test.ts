import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import * as raw from 'multiformats/codecs/raw';
import { FileTable } from '../../../main/core/notary/file-table.ts';
import { sha256OfPieces } from '../../../main/core/notary/hash.ts';
import { canonicalManifest, manifestPieces, MANIFEST_FORMAT, MANIFEST_LEAF_ENCODING, MANIFEST_PROFILE, MANIFEST_VERSION, manifestDigest, manifestUtf8, type Manifest, type ManifestFile } from '../../../shared/notary/manifest.ts';
import { datasetProver } from '../../../shared/notary/leaf.ts';

const hex32 = (): string => `0x${randomBytes(32).toString('hex')}`;

async function cidOf(bytes: Uint8Array, version: 0 | 1 = 1): Promise<CID> {
  const digest = await sha256.digest(bytes);
  return version === 0 ? CID.createV0(digest) : CID.createV1(raw.code, digest);
}

async function records(n: number): Promise<Array<ManifestFile & { mtimeMs: number }>> {
  const out: Array<ManifestFile & { mtimeMs: number }> = [];
  for (let i = 0; i < n; i++) {
    out.push({
      path: `d${String(i).padStart(3, '0')}/é ${i}.bin`,
      size: i * 1000 + 7,
      mtimeMs: 1_700_000_000_123.5 + i,
      sha256: hex32(),
      salt: hex32(),
      headerCid: (await cidOf(randomBytes(16))).toString(),
      payloadCid: (await cidOf(randomBytes(16), i % 2 === 0 ? 1 : 0)).toString(),
    });
  }
  return out;
}

describe('FileTable', () => {
  it('gives back every field exactly as set, in any order of setting', async () => {
    const rs = await records(50);
    const table = new FileTable(rs.length);
    for (const i of [...rs.keys()].reverse()) table.set(i, rs[i] as (typeof rs)[number]);
    expect(table.complete).toBe(true);
    rs.forEach((r, i) => {
      expect(table.record(i)).toEqual(r);
      const { mtimeMs: _, ...file } = r;
      expect(table.at(i)).toEqual(file);
    });
    expect(table.slice(10, 13).map((f) => f.path)).toEqual(rs.slice(10, 13).map((f) => f.path));
    expect([...table.stats()]).toEqual(rs.map((r) => ({ path: r.path, size: r.size, mtimeMs: r.mtimeMs })));
  });

  it('grows by appended manifest entries across its blocks of rows, after rows set by index', async () => {
    const rs = await records(9000);
    const table = new FileTable(5);
    rs.slice(0, 5).forEach((r, i) => table.set(i, r));
    for (const { mtimeMs: _, ...file } of rs.slice(5)) expect(table.append(file)).toBe(table.length - 1);
    expect(table.length).toBe(9000);
    for (const i of [0, 4, 5, 4095, 4096, 8191, 8192, 8999]) {
      const { mtimeMs, ...file } = rs[i] as (typeof rs)[number];
      expect(table.at(i)).toEqual(file);
      expect(table.record(i).mtimeMs).toBe(i < 5 ? mtimeMs : 0);
    }
    expect(() => table.append({ ...(rs[0] as (typeof rs)[number]), sha256: '0x12' })).toThrow(RangeError);
    expect(table.length).toBe(9000);
  });

  it('keeps a CID written in another multibase as the very same text', async () => {
    const cid = await cidOf(randomBytes(8));
    const base36 = cid.toString((await import('multiformats/bases/base36')).base36);
    const table = new FileTable(1);
    table.set(0, { path: 'a', size: 1, mtimeMs: 1, sha256: hex32(), salt: hex32(), headerCid: base36, payloadCid: 'not-a-cid' });
    expect(table.record(0).headerCid).toBe(base36);
    expect(table.record(0).payloadCid).toBe('not-a-cid');
  });

  it('refuses digests it could not give back byte for byte, and rows never set', () => {
    const table = new FileTable(2);
    const base = { path: 'a', size: 1, mtimeMs: 1, salt: hex32(), headerCid: 'x', payloadCid: 'y' };
    expect(() => table.set(0, { ...base, sha256: hex32().toUpperCase().replace('0X', '0x') })).toThrow(RangeError);
    expect(() => table.set(0, { ...base, sha256: '0x1234' })).toThrow(RangeError);
    expect(() => table.set(2, { ...base, sha256: hex32() })).toThrow(RangeError);
    expect(() => table.record(1)).toThrow(RangeError);
    expect(table.complete).toBe(false);
  });

  it('as the manifest files and the leaves, gives the same text, digest and root as the arrays', async () => {
    const rs = (await records(200)).sort((a, b) => (a.path < b.path ? -1 : 1));
    const table = new FileTable(rs.length);
    rs.forEach((r, i) => table.set(i, r));
    const head: Omit<Manifest, 'files'> = { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, title: 'T ☃ \u{1F600}', authors: [{ address: '0x0000000000000000000000000000000000000001', name: 'Zoë' }], createdAt: 1, public: false, leafEncoding: MANIFEST_LEAF_ENCODING, profile: MANIFEST_PROFILE };
    const files = rs.map(({ mtimeMs: _, ...f }) => f);
    const text = canonicalManifest({ ...head, files });
    const pieces = [...manifestPieces({ ...head, files: table })];
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe(text);
    expect(Buffer.concat([...manifestUtf8(pieces)]).equals(Buffer.from(text, 'utf8'))).toBe(true);
    const hash = (await import('node:crypto')).createHash('sha256');
    for (const b of manifestUtf8(pieces)) hash.update(b);
    expect(`0x${hash.digest('hex')}`).toBe(manifestDigest(text));
    // What prepare and the manifest reader hash: the pieces as they come, no buffers.
    expect(sha256OfPieces(pieces)).toBe(manifestDigest(text));
    expect(sha256OfPieces(['{"a":"é', '☃ \u{1F600}"}'])).toBe(manifestDigest('{"a":"é☃ \u{1F600}"}'));
    const fromArray = datasetProver(files.map((f) => [f.salt, f.sha256]));
    const fromTable = datasetProver(table.leaves);
    expect(fromTable.root).toBe(fromArray.root);
    expect(fromTable.proof(123)).toEqual(fromArray.proof(123));
  });
});
