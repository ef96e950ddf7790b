/**
 * Fuzzing the parsers of documents that arrive from outside — receipts, drafts, signature
 * files, manifests, share tickets and envelopes, managed settings, account backups: for any
 * text, each returns or throws its typed NotariumError, quickly. They are pure (they write
 * nothing); the file-reading paths are fuzzed in car-import.test.ts and consent.test.ts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { parseReceipt } from '../../shared/receipt/index.ts';
import { parseDraft, parseSignatureFile } from '../../shared/notary/draft.ts';
import { parseManifest } from '../../shared/notary/manifest.ts';
import { ManifestReader } from '../../main/core/notary/manifest-reader.ts';
import { parseShareJson, shareEnvelopeSchema, shareTicketSchema } from '../../shared/notary/share.ts';
import { parseManagedSettings } from '../../main/core/managed-settings/index.ts';
import { AccountStore, exportAccountBackup, openAccountBackup, parseAccountBackupBundle } from '../../main/core/keys/index.ts';
import { expectTypedOutcome, hostileText, scaledRuns, TEXT_RUNS } from './arbitraries.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('fuzzing the document parsers', () => {
  let receipt: Record<string, unknown> & { authors: { address: string; name?: string; signature: string }[]; files: { size: number }[]; storage: { manifestHeaderCid: string; manifestPayloadCid: string }; manifest: string; root: string };
  let recipient: string;

  beforeAll(async () => {
    receipt = JSON.parse(await readFile(path.join(ROOT, 'docs/example-receipt.json'), 'utf8')) as typeof receipt;
    recipient = await identityToRecipient(await generateIdentity());
  });

  /** Checks the seed is valid (so mutations are near misses), then fuzzes around it. */
  async function fuzz<T>(seed: unknown, parse: (text: string) => T, codes: readonly string[], label: string, numRuns = TEXT_RUNS): Promise<void> {
    expect(() => parse(JSON.stringify(seed)), `${label}: the seed must parse`).not.toThrow();
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(hostileText(seed), async (text) => {
        const r = await expectTypedOutcome(() => parse(text), codes, label);
        if (!r.ok) rejected += 1;
      }),
      { numRuns },
    );
    // Most hostile inputs must be refused; a fuzzer that only produced valid input would prove nothing.
    expect(rejected).toBeGreaterThan(numRuns / 2);
  }

  it('receipts: a value or RECEIPT_INVALID', async () => {
    await fuzz(receipt, parseReceipt, ['RECEIPT_INVALID'], 'receipt');
  });

  it('manifests (canonical RFC 8785 text): a value or RECEIPT_INVALID', async () => {
    await fuzz(JSON.parse(receipt.manifest), parseManifest, ['RECEIPT_INVALID'], 'manifest');
  });

  it('manifests streamed (ManifestReader, what a retrieval reads) are accepted exactly when parseManifest accepts them, with the same files', async () => {
    const streamed = (text: string): unknown => {
      const reader = new ManifestReader();
      const bytes = new TextEncoder().encode(text);
      // Split in three, so a token may straddle chunks.
      for (const [a, b] of [[0, 7], [7, Math.floor(bytes.length / 2)], [Math.floor(bytes.length / 2), bytes.length]] as const) reader.write(bytes.subarray(a, b));
      const read = reader.end(reader.digest());
      return { ...read.head, files: read.files.slice(0, read.files.length) };
    };
    let agreed = 0;
    await fc.assert(
      fc.asyncProperty(hostileText(JSON.parse(receipt.manifest)), async (text) => {
        const whole = await expectTypedOutcome(() => parseManifest(text), ['RECEIPT_INVALID'], 'manifest');
        const parts = await expectTypedOutcome(() => streamed(text), ['RECEIPT_INVALID'], 'streamed manifest');
        expect(parts.ok, text.slice(0, 200)).toBe(whole.ok);
        if (whole.ok) expect(streamed(text)).toEqual(parseManifest(text));
        agreed += 1;
      }),
      { numRuns: TEXT_RUNS },
    );
    expect(agreed).toBe(TEXT_RUNS);
  });

  it('drafts and signature files: a value or INVALID_INPUT', async () => {
    const { anchor: _anchor, files, authors, ...rest } = receipt;
    const draft = {
      ...rest,
      format: 'notarium-draft',
      authors: authors.map(({ signature: _s, ...a }) => a),
      summary: { fileCount: files.length, totalBytes: files.reduce((n, f) => n + f.size, 0) },
    };
    await fuzz(draft, parseDraft, ['INVALID_INPUT'], 'draft');
    const signature = { format: 'notarium-signature', version: 1, root: receipt.root, digest: `0x${'1'.repeat(64)}`, signer: authors[0]?.address, signature: authors[0]?.signature };
    await fuzz(signature, parseSignatureFile, ['INVALID_INPUT'], 'signature file');
  });

  it('share tickets and share envelopes: a value or INVALID_INPUT', async () => {
    const ticket = {
      format: 'notarium-share-ticket',
      version: 1,
      root: receipt.root,
      title: 'Shared',
      recipient,
      envelope: { headerCid: receipt.storage.manifestHeaderCid, payloadCid: receipt.storage.manifestPayloadCid },
      summary: { fileCount: 2, totalBytes: 10 },
    };
    await fuzz(ticket, (t) => parseShareJson(shareTicketSchema, t, 'share ticket'), ['INVALID_INPUT'], 'share ticket');
    const envelope = { format: 'notarium-share', version: 1, root: receipt.root, manifestDigest: receipt.root, manifest: receipt.manifest, headers: ['YWdlLWVuY3J5cHRpb24='], sharedBy: receipt.authors[0]?.address, sharedAt: 1 };
    await fuzz(envelope, (t) => parseShareJson(shareEnvelopeSchema, t, 'share envelope'), ['INVALID_INPUT'], 'share envelope');
  });

  it('managed settings: a value or INVALID_INPUT', async () => {
    const policy = {
      network: { name: 'sepolia', chainId: 11155111, rpcUrl: 'https://rpc.example.org', registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3', confirmations: 2 },
      confirmations: 3,
      allowedNetworks: [11155111],
      allowPublicMode: false,
      defaultRecipients: [recipient],
      autoLockMinutes: 10,
      ipfs: { backend: 'kubo', kubo: { url: 'http://127.0.0.1:5001' }, pinningService: { endpoint: 'https://pins.example.org/psa' } },
    };
    await fuzz(policy, (t) => parseManagedSettings(t, '/etc/notarium/managed.json'), ['INVALID_INPUT'], 'managed settings');
  });

  it('account backups: the bundle parser, and whole armored files, give a value or INVALID_INPUT / WRONG_PASSPHRASE', async () => {
    const bundle = {
      format: 'notarium-account-backup',
      version: 1,
      exportedAt: 1,
      account: { address: receipt.authors[0]?.address, recipient, createdAt: 1 },
      files: { 'ethereum.json': '{"version":3}', 'age-identity.age': 'YWdl' },
    };
    await fuzz(bundle, parseAccountBackupBundle, ['INVALID_INPUT'], 'account backup bundle');

    const tmp = await tempDir('notarium-fuzz-backup-');
    try {
      const store = new AccountStore(path.join(tmp.dir, 'keys'));
      await store.create(TEST_PASSPHRASE, { scryptN: TEST_SCRYPT_N });
      const { text } = await exportAccountBackup(store, TEST_PASSPHRASE, { scryptLogN: 4 });
      const edits = fc.oneof(
        fc.tuple(fc.nat({ max: text.length - 1 }), fc.string({ minLength: 1, maxLength: 4 })).map(([i, s]) => text.slice(0, i) + s + text.slice(i + s.length)),
        fc.nat({ max: text.length }).map((i) => text.slice(0, i)),
        fc.string({ unit: 'binary', maxLength: 300 }).map((s) => `-----BEGIN AGE ENCRYPTED FILE-----\n${s}\n-----END AGE ENCRYPTED FILE-----\n`),
      );
      await fc.assert(
        fc.asyncProperty(edits, async (t) => {
          await expectTypedOutcome(() => openAccountBackup(t, TEST_PASSPHRASE), ['INVALID_INPUT', 'WRONG_PASSPHRASE'], 'account backup file');
        }),
        { numRuns: scaledRuns(0.2) },
      );
    } finally {
      await tmp.cleanup();
    }
  });
});
