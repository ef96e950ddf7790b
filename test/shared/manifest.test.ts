import { describe, expect, it } from 'vitest';
import { sha256, toUtf8Bytes } from 'ethers';
import canonicalize from 'canonicalize';
import { canonicalManifest, manifestDigest, orcidSchema, manifestUtf8, parseManifest, MANIFEST_PROFILE, type Manifest } from '../../shared/notary/manifest.ts';

const base: Manifest = {
  format: 'notarium-manifest',
  version: 1,
  title: 'T',
  authors: [{ address: '0x822005C3c0C2B05197360EfF9183B32b83fD408f' }],
  createdAt: 1,
  public: false,
  leafEncoding: ['bytes32', 'bytes32'],
  profile: MANIFEST_PROFILE,
  files: [
    { path: 'a.csv', size: 1, sha256: `0x${'1'.repeat(64)}`, salt: `0x${'2'.repeat(64)}`, headerCid: 'bafkreiem2sklrywso3dn5tzs4k3stoxpyxbtixfut6oz4nckuspjzzoajy', payloadCid: 'bafkreiekvogsclvxvocngco7lfce7y7ordx5emfn5c3bhcoworekhhxk4q' },
  ],
};

describe('canonical manifest (RFC 8785)', () => {
  it('round-trips, and its digest is SHA-256 of the canonical UTF-8 text', () => {
    const text = canonicalManifest(base);
    expect(text.startsWith('{"authors":')).toBe(true);
    expect(parseManifest(text)).toEqual(base);
    expect(manifestDigest(text)).toMatch(/^0x[0-9a-f]{64}$/);
    expect(manifestDigest(text)).not.toBe(manifestDigest(canonicalManifest({ ...base, title: 'U' })));
  });

  it('rejects a malicious path such as ../../etc/cron.d/x', () => {
    const evil = { ...base, files: [{ ...base.files[0], path: '../../etc/cron.d/x' }] } as Manifest;
    expect(() => parseManifest(canonicalManifest(evil))).toThrow(/unsafe path/);
  });

  it('rejects non-canonical text (whitespace or key order) so the digest cannot be ambiguous', () => {
    const text = JSON.stringify(base, null, 1);
    expect(() => parseManifest(text)).toThrow(/canonical/);
  });

  it('rejects unsorted or duplicate files', () => {
    const f = base.files[0] as Manifest['files'][number];
    expect(() => parseManifest(canonicalManifest({ ...base, files: [{ ...f, path: 'b' }, { ...f, path: 'a' }] }))).toThrow(/sorted/);
    expect(() => parseManifest(canonicalManifest({ ...base, files: [f, f] }))).toThrow(/duplicates/);
  });

  it('digests the same UTF-8 bytes as ethers toUtf8Bytes (non-ASCII, astral); the canonical form refuses lone surrogates', () => {
    const text = canonicalManifest({ ...base, title: 'Étude — 研究 end 🧬' });
    expect(manifestDigest(text)).toBe(sha256(toUtf8Bytes(text)));
    expect(() => canonicalManifest({ ...base, title: 'lone \ud800' })).toThrow(/surrogate/i);
  });

  it('is the library canonicalize() text, built in pieces, for thousands of files (non-ASCII paths, a title that mimics the files member)', () => {
    const f = base.files[0] as Manifest['files'][number];
    const files = Array.from({ length: 1500 }, (_, i) => ({ ...f, path: `d${String(i).padStart(5, '0')}/é🧬 "q".csv`, size: i }));
    const m: Manifest = { ...base, title: '"files":"\u0000files\u0000" ]', files };
    const text = canonicalManifest(m);
    expect(text).toBe(canonicalize(m));
    expect(parseManifest(text)).toEqual(m);
    // One entry changed anywhere, or text added at the end: not canonical for what it parses to.
    expect(() => parseManifest(text.replace('"size":1499', '"size": 1499'))).toThrow(/canonical/);
    expect(() => parseManifest(`${text} `)).toThrow(/canonical/);
    expect(canonicalManifest({ ...m, files: [] })).toBe(canonicalize({ ...m, files: [] }));
  });

  it('encodes the text as UTF-8 in pieces that never split a surrogate pair', () => {
    // After one 'a', every high surrogate sits at an odd index, as the last unit of any slice of 2^k units.
    const text = `a${'🧬'.repeat(100_000)}${'é'.repeat(100_000)}`;
    const pieces = [...manifestUtf8(text)];
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect([...manifestUtf8('')]).toEqual([]);
  });
});

describe('ORCID iD', () => {
  it('gives a malformed iD one message (its form), a mistyped one the check digit, a good one none', () => {
    expect(orcidSchema.safeParse('1234').error?.issues.map((i) => i.message)).toEqual(['expected an ORCID iD like 0000-0002-1825-0097']);
    expect(orcidSchema.safeParse('0000-0002-1825-0098').error?.issues.map((i) => i.message)).toEqual(['the ORCID iD check digit is wrong (ISO 7064 11,2): check for a typo']);
    expect(orcidSchema.safeParse('0000-0002-1825-0097').success).toBe(true);
  });
});
