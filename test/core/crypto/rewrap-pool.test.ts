import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgeCipherPool, RewrapPool, REWRAPS_PER_THREAD, decryptBytes, encryptBytes, generateAgeIdentity, unwrapFileKey } from '../../../main/core/crypto/index.ts';
import { generateFileKey, wrapFileKey } from '../../../main/core/crypto/file-key.ts';

const run = promisify(execFile);
let pool: AgeCipherPool;
let dir: string;

beforeAll(async () => {
  pool = await AgeCipherPool.inThread();
  dir = await mkdtemp(join(tmpdir(), 'notarium-rewrap-pool-'));
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

describe('RewrapPool', () => {
  it('re-wraps on the calling thread and on a worker at once, every header opening its unchanged payload for the new recipient only', async () => {
    const owner = await generateAgeIdentity();
    const friend = await generateAgeIdentity();
    const files = await Promise.all(Array.from({ length: 6 }, (_, i) => encryptBytes(randomBytes(1000 + i), [owner.recipient], pool)));
    const headers = Array.from({ length: 120 }, (_, i) => (files[i % files.length] as { header: Uint8Array }).header);
    const rewrapper = RewrapPool.start([owner.identity], [friend.recipient], { workers: 1, batchHeaders: 8 });
    try {
      expect(await rewrapper.started()).toBe(1);
      const shared = await Promise.all(headers.map((h) => rewrapper.rewrap(h)));
      expect(rewrapper.counts.workers).toBeGreaterThan(0);
      expect(rewrapper.counts.inThread).toBeGreaterThan(0);
      expect(rewrapper.counts.workers + rewrapper.counts.inThread).toBe(120);
      for (const [i, h] of shared.entries()) {
        const f = files[i % files.length] as { header: Uint8Array; payload: Uint8Array };
        expect(await unwrapFileKey(h, [friend.identity])).toEqual(await unwrapFileKey(f.header, [owner.identity]));
        await expect(unwrapFileKey(h, [owner.identity])).rejects.toMatchObject({ details: { reason: 'no-match' } });
      }
      // An idle worker takes the next two headers (two batches in flight): a header it
      // re-wrapped is a standard age header for `age -d`.
      const plain = randomBytes(70_000);
      const e = await encryptBytes(plain, [owner.recipient], pool);
      const workersBefore = rewrapper.counts.workers;
      const [byWorker] = await Promise.all([rewrapper.rewrap(e.header), rewrapper.rewrap(e.header)]);
      expect(rewrapper.counts.workers - workersBefore).toBe(2);
      expect(Buffer.from(await decryptBytes(byWorker, e.payload, [friend.identity], pool)).equals(plain)).toBe(true);
      const file = join(dir, 'shared.age');
      const key = join(dir, 'friend.key');
      await writeFile(file, Buffer.concat([byWorker, e.payload]));
      await writeFile(key, `${friend.identity}\n`, { mode: 0o600 });
      const { stdout } = await run('age', ['-d', '-i', key, file], { encoding: 'buffer', maxBuffer: 1 << 20 });
      expect(createHash('sha256').update(stdout).digest('hex')).toBe(createHash('sha256').update(plain).digest('hex'));
    } finally {
      await rewrapper.close();
    }
  });

  it('gives each header its own error, as a NotariumError with its reason, from a worker too', async () => {
    const owner = await generateAgeIdentity();
    const stranger = await generateAgeIdentity();
    const friend = await generateAgeIdentity();
    const good = await wrapFileKey(generateFileKey(), [owner.recipient]);
    const notOurs = await wrapFileKey(generateFileKey(), [stranger.recipient]);
    const altered = Uint8Array.from(good);
    altered[altered.length - 5] = altered[altered.length - 5] === 0x41 ? 0x42 : 0x41; // inside the base64 MAC
    const rewrapper = RewrapPool.start([owner.identity], [friend.recipient], { workers: 1 });
    try {
      await rewrapper.started();
      // The first two go to the worker (two batches in flight), the others to this thread.
      const outcomes = await Promise.allSettled([notOurs, altered, notOurs, good].map((h) => rewrapper.rewrap(h)));
      expect(rewrapper.counts.workers).toBeGreaterThanOrEqual(2);
      expect(outcomes.map((o) => (o.status === 'rejected' ? `${o.reason.name}:${o.reason.code}:${o.reason.details?.reason}` : 'ok'))).toEqual([
        'NotariumError:AGE_DECRYPT_FAILED:no-match',
        'NotariumError:AGE_DECRYPT_FAILED:hmac',
        'NotariumError:AGE_DECRYPT_FAILED:no-match',
        'ok',
      ]);
    } finally {
      await rewrapper.close();
    }
  });

  it('works on the calling thread alone when its worker cannot start', async () => {
    const owner = await generateAgeIdentity();
    const friend = await generateAgeIdentity();
    const broken = new URL('./fixtures/no-such-worker.ts', import.meta.url);
    const rewrapper = RewrapPool.start([owner.identity], [friend.recipient], { workers: 1, workerUrl: broken });
    try {
      const headers = await Promise.all([1, 2, 3].map(() => wrapFileKey(generateFileKey(), [owner.recipient])));
      const shared = await Promise.all(headers.map((h) => rewrapper.rewrap(h)));
      expect(await rewrapper.started()).toBe(0);
      expect(rewrapper.counts).toEqual({ inThread: 3, workers: 0 });
      for (const h of shared) expect(await unwrapFileKey(h, [friend.identity])).toHaveLength(16);
    } finally {
      await rewrapper.close();
    }
  });

  it('checks keys and options up front, sizes itself by the expected work, and fails with CRYPTO_FAILED once closed', async () => {
    const owner = await generateAgeIdentity();
    expect(() => RewrapPool.start([owner.identity], ['age1bogus'])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => RewrapPool.start(['AGE-SECRET-KEY-1XYZ'], [owner.recipient])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => RewrapPool.start([owner.identity], [owner.recipient], { workers: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    const small = RewrapPool.start([owner.identity], [owner.recipient], { expectedHeaders: 10 });
    expect(await small.started()).toBe(0);
    const header = await wrapFileKey(generateFileKey(), [owner.recipient]);
    // This thread takes REWRAPS_PER_THREAD headers at once; the rest wait in the queue.
    const taken = Array.from({ length: REWRAPS_PER_THREAD }, () => small.rewrap(header));
    const queued = expect(small.rewrap(header)).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
    await small.close();
    await small.close();
    for (const t of taken) await expect(t).resolves.toBeInstanceOf(Uint8Array);
    await queued;
    await expect(small.rewrap(header)).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
  });

  it('does not keep a process alive once idle, even if never closed', async () => {
    const index = fileURLToPath(new URL('../../../main/core/crypto/index.ts', import.meta.url));
    const script = `
      const { RewrapPool, generateAgeIdentity } = await import(${JSON.stringify(index)});
      const { wrapFileKey, generateFileKey } = await import(${JSON.stringify(fileURLToPath(new URL('../../../main/core/crypto/file-key.ts', import.meta.url)))});
      const me = await generateAgeIdentity();
      const pool = RewrapPool.start([me.identity], [me.recipient], { workers: 1 });
      console.log(await pool.started());
      const h = await pool.rewrap(await wrapFileKey(generateFileKey(), [me.recipient]));
      console.log(h.length > 0);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
    expect(stdout.trim().split('\n')).toEqual(['1', 'true']);
  });
});
