/**
 * restoreFiles over a real Helia store and real age encryption: many files restored at once
 * come out identical to the originals with correct progress, and one bad file among many
 * (content that does not match the manifest) leaves no file behind, whatever finished first.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgeCipherPool, generateAgeIdentity } from '../../../main/core/crypto/index.ts';
import { HeliaBackend } from '../../../main/core/ipfs/helia-backend.ts';
import type { CipherPort, StoragePort } from '../../../main/core/notary/ports.ts';
import { ipfsStoragePort } from '../../../main/core/notary/ipfs-storage-port.ts';
import { ageCipherPort } from '../../../main/core/notary/age-cipher-port.ts';
import type { Progress } from '../../../main/core/notary/progress.ts';
import { restoreFiles } from '../../../main/core/notary/retrieve.ts';
import { once, storeEncrypted } from '../../../main/core/notary/store-encrypted.ts';
import { sortFiles, type ManifestFile } from '../../../shared/notary/index.ts';
import { tempDir } from '../../helpers/tmp.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let node: HeliaBackend;
let pool: AgeCipherPool;
let cipher: CipherPort;
let storage: StoragePort;
let owner: { identity: string; recipient: string };
/** The stored dataset: relative path → plaintext. */
const contents = new Map<string, Uint8Array>();
let files: ManifestFile[];

const sha256 = (b: Uint8Array): string => `0x${createHash('sha256').update(b).digest('hex')}`;

/** Every file under `dir`, as sorted relative POSIX paths (temporary files included). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

beforeAll(async () => {
  tmp = await tempDir();
  node = await HeliaBackend.open(path.join(tmp.dir, 'ipfs'));
  pool = await AgeCipherPool.inThread();
  cipher = ageCipherPort(pool);
  storage = ipfsStoragePort(node, { ipfsDir: path.join(tmp.dir, 'ipfs') });

  owner = await generateAgeIdentity();
  // 120 files over nested folders: mostly small, a few spanning several age chunks and IPFS blocks.
  for (let i = 0; i < 120; i++) {
    const size = i % 40 === 7 ? 1_500_000 + i : 200 + ((i * 7919) % 20_000);
    contents.set(`d${i % 6}/s${i % 4}/f${String(i).padStart(3, '0')}.bin`, randomBytes(size));
  }
  const stored = await Promise.all([...contents].map(async ([p, c]) => ({ p, c, ...(await storeEncrypted(once(c), [owner.recipient], cipher, storage)) })));
  files = sortFiles(stored.map(({ p, c, headerCid, payloadCid }) => ({ path: p, size: c.length, sha256: sha256(c), salt: `0x${randomBytes(32).toString('hex')}`, headerCid, payloadCid })));
}, 120_000);

afterAll(async () => {
  await pool.close();
  await node.stop();
  await tmp.cleanup();
});

describe('restoreFiles', () => {
  it('restores many files at once, each identical to its original, with progress reaching every file and byte', async () => {
    const out = path.join(tmp.dir, 'out-ok');
    const events: Progress[] = [];
    const total = files.reduce((s, f) => s + f.size, 0);
    const result = await restoreFiles(files, out, [owner.identity], cipher, storage, (p) => events.push(p));
    expect(result).toMatchObject({ fileCount: 120, totalBytes: total });
    expect(await filesUnder(out)).toEqual([...contents.keys()].sort());
    for (const [p, c] of contents) expect(Buffer.from(await readFile(path.join(out, p))).equals(Buffer.from(c))).toBe(true);
    const last = events.at(-1);
    expect(last).toMatchObject({ phase: 'retrieving', filesDone: 120, filesTotal: 120, bytesDone: total, bytesTotal: total });
    // Counters only grow.
    for (let i = 1; i < events.length; i++) {
      expect((events[i] as Progress).bytesDone).toBeGreaterThanOrEqual((events[i - 1] as Progress).bytesDone);
      expect((events[i] as Progress).filesDone).toBeGreaterThanOrEqual((events[i - 1] as Progress).filesDone);
    }
  });

  it('on one mismatching file among many, reports HASH_MISMATCH for it and leaves no file (restored or temporary) behind', async () => {
    // File 90 of 120: many files before it are already renamed into place when it fails.
    const bad = files[90] as ManifestFile;
    const damaged = files.map((f) => (f === bad ? { ...f, sha256: sha256(randomBytes(8)) } : f));
    const out = path.join(tmp.dir, 'out-bad');
    const events: Progress[] = [];
    const attempt = restoreFiles(damaged, out, [owner.identity], cipher, storage, (p) => events.push(p));
    await expect(attempt).rejects.toMatchObject({ code: 'HASH_MISMATCH', message: expect.stringContaining(bad.path), details: { path: bad.path, integrity: 'altered' } });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining('nothing was restored') });
    expect(events.some((e) => e.filesDone > 0)).toBe(true);
    expect(await filesUnder(out)).toEqual([]);
    // The folders made for the files are gone too: the output folder is as empty as it was.
    expect(await readdir(out)).toEqual([]);
  });

  it('on a payload that is not the file (another file\'s), leaves no file behind either', async () => {
    // A swapped payload CID decrypts fine but has another size and hash.
    const [a, b] = [files[3] as ManifestFile, files[100] as ManifestFile];
    const swapped = files.map((f) => (f === b ? { ...f, payloadCid: a.payloadCid, headerCid: a.headerCid } : f));
    const out = path.join(tmp.dir, 'out-swapped');
    await expect(restoreFiles(swapped, out, [owner.identity], cipher, storage)).rejects.toMatchObject({ code: 'HASH_MISMATCH', message: expect.stringContaining(b.path) });
    expect(await filesUnder(out)).toEqual([]);
  });

  it('refuses a path given twice even when both copies are written at once (UNSAFE_PATH), and removes the first', async () => {
    // Both copies are in flight together, so neither exists when they are created: the
    // second rename must still see the first instead of replacing it.
    const dup = { ...(files[0] as ManifestFile), path: 'dup.bin' };
    const out = path.join(tmp.dir, 'out-dup');
    await expect(restoreFiles([dup, dup, ...files.slice(1, 20)], out, [owner.identity], cipher, storage)).rejects.toMatchObject({ code: 'UNSAFE_PATH', message: expect.stringContaining('dup.bin') });
    expect(await filesUnder(out)).toEqual([]);
  });

  it('refuses an output folder that is not empty, before writing anything', async () => {
    const out = path.join(tmp.dir, 'out-ok');
    await expect(restoreFiles(files, out, [owner.identity], cipher, storage)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('reports AGE_DECRYPT_FAILED for an identity that is not a recipient and leaves nothing behind', async () => {
    const stranger = await generateAgeIdentity();
    const out = path.join(tmp.dir, 'out-stranger');
    await expect(restoreFiles(files, out, [stranger.identity], cipher, storage)).rejects.toMatchObject({ code: 'AGE_DECRYPT_FAILED' });
    expect(await filesUnder(out)).toEqual([]);
  });
});
