/**
 * createShareEnvelope / openShareEnvelope over a real Helia store, with the ports wired as
 * Notarium wires them (in group-commit mode here): the envelope is durable when the call
 * returns, and every header in it opens its file's unchanged payload for the recipient.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Wallet } from 'ethers';
import { AgeCipherPool, RewrapPool, generateAgeIdentity } from '../../../main/core/crypto/index.ts';
import { HeliaBackend } from '../../../main/core/ipfs/helia-backend.ts';
import { collect } from '../../../main/core/notary/retrieve.ts';
import { createShareEnvelope, openShareEnvelope } from '../../../main/core/notary/share.ts';
import { once, storeEncrypted } from '../../../main/core/notary/store-encrypted.ts';
import type { CipherPort, StoragePort } from '../../../main/core/notary/ports.ts';
import { ipfsStoragePort } from '../../../main/core/notary/ipfs-storage-port.ts';
import { ageCipherPort } from '../../../main/core/notary/age-cipher-port.ts';
import { buildDatasetTree, canonicalManifest, MANIFEST_FORMAT, MANIFEST_LEAF_ENCODING, MANIFEST_PROFILE, MANIFEST_VERSION, parseManifest, sortFiles, type Manifest } from '../../../shared/notary/index.ts';
import { tempDir } from '../../helpers/tmp.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let node: HeliaBackend;
let pool: AgeCipherPool;
let cipher: CipherPort;
let storage: StoragePort;

beforeAll(async () => {
  tmp = await tempDir();
  node = await HeliaBackend.open(path.join(tmp.dir, 'ipfs'));
  pool = await AgeCipherPool.inThread();
  cipher = ageCipherPort(pool);
  // Group commit, as a share may store: adds and pins are durable at commit() only.
  storage = ipfsStoragePort(node, { ipfsDir: path.join(tmp.dir, 'ipfs'), groupCommit: true });

});
afterAll(async () => {
  await RewrapPool.endParked();
  await pool.close();
  await node.stop();
  await tmp.cleanup();
});

/** Pin records on disk: written only by a commit. */
async function pinRecords(): Promise<number> {
  return (await readdir(path.join(tmp.dir, 'ipfs', 'datastore'), { recursive: true })).filter((n) => n.endsWith('.data') && n.startsWith('pin')).length;
}

describe('createShareEnvelope', () => {
  it('stores one committed envelope whose headers open every unchanged payload for the recipient only', async () => {
    const owner = await generateAgeIdentity();
    const friend = await generateAgeIdentity();
    const contents = Array.from({ length: 40 }, (_, i) => randomBytes(100 + i * 37));
    const stored = await Promise.all(contents.map((c) => storeEncrypted(once(c), [owner.recipient], cipher, storage)));
    await storage.commit();
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      title: 'share unit test',
      authors: [{ address: Wallet.createRandom().address }],
      createdAt: 1_760_000_000,
      public: false,
      leafEncoding: MANIFEST_LEAF_ENCODING,
      profile: MANIFEST_PROFILE,
      files: sortFiles(
        contents.map((c, i) => ({
          path: `f${String(i).padStart(3, '0')}.bin`,
          size: c.length,
          sha256: `0x${createHash('sha256').update(c).digest('hex')}`,
          salt: `0x${randomBytes(32).toString('hex')}`,
          headerCid: stored[i]?.headerCid ?? '',
          payloadCid: stored[i]?.payloadCid ?? '',
        })),
      ),
    };
    const manifestText = canonicalManifest(manifest);
    const { root } = buildDatasetTree(manifest.files.map((f) => [f.salt, f.sha256]));
    const pinsBefore = await pinRecords();

    const rewrapper = RewrapPool.start([owner.identity], [friend.recipient], { workers: 1, batchHeaders: 4 });
    const env = await (async () => {
      try {
        await rewrapper.started();
        // The caller's parsed manifest spares a second parse.
        return await createShareEnvelope({ root, manifestText, manifest: parseManifest(manifestText), recipient: friend.recipient, sharedBy: manifest.authors[0]?.address ?? '', cipher, storage, rewrap: (h) => rewrapper.rewrap(h) });
      } finally {
        await rewrapper.close();
      }
    })();
    expect(rewrapper.counts.workers + rewrapper.counts.inThread).toBe(40);
    expect(env).toMatchObject({ fileCount: 40, totalBytes: contents.reduce((s, c) => s + c.length, 0) });
    // Committed before returning: the envelope's two pins are on disk.
    expect((await pinRecords()) - pinsBefore).toBeGreaterThanOrEqual(2);

    const opened = await openShareEnvelope({ ...env, root }, [friend.identity], cipher, storage);
    expect(opened.manifest).toEqual(manifest);
    for (const [i, f] of opened.manifest.files.entries()) {
      const header = opened.headers[i] as Uint8Array;
      const plain = await collect(cipher.decrypt(header, storage.cat(f.payloadCid), [friend.identity]), 1 << 20, 'payload');
      expect(createHash('sha256').update(plain).digest('hex')).toBe(f.sha256.slice(2));
    }
    await expect(openShareEnvelope({ ...env, root }, [owner.identity], cipher, storage)).rejects.toMatchObject({ code: 'AGE_DECRYPT_FAILED' });
  });
});
