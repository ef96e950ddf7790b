import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { availableParallelism } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgeCipherPool, RewrapPool, REWRAPS_PER_THREAD, decryptBytes, encryptBytes, generateAgeIdentity, unwrapFileKey } from '../../../main/core/crypto/index.ts';
import { generateFileKey, wrapFileKey } from '../../../main/core/crypto/file-key.ts';
import { HEADERS_PER_PARKED_WORKER, HEADERS_PER_WORKER } from '../../../main/core/crypto/rewrap-pool.ts';

const run = promisify(execFile);
let pool: AgeCipherPool;
let dir: string;

beforeAll(async () => {
  pool = await AgeCipherPool.inThread();
  dir = await mkdtemp(join(tmpdir(), 'notarium-rewrap-pool-'));
});
// Pools park their workers for the next pool: each test starts with none parked.
afterEach(async () => {
  await RewrapPool.endParked();
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
      // An idle worker takes the next headers first (up to two batches' worth): a header it
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
      // A ready worker takes headers first (up to two batches' worth in flight).
      const outcomes = await Promise.allSettled([notOurs, altered, notOurs, good].map((h) => rewrapper.rewrap(h)));
      expect(rewrapper.counts.workers).toBe(4);
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

  it('runs on the crypto worker module a bundled app ships (cipher-worker.ts, role rewrap) too', async () => {
    const owner = await generateAgeIdentity();
    const friend = await generateAgeIdentity();
    const cipherWorker = new URL('../../../main/core/crypto/cipher-worker.ts', import.meta.url);
    const rewrapper = RewrapPool.start([owner.identity], [friend.recipient], { workers: 1, workerUrl: cipherWorker });
    try {
      expect(await rewrapper.started()).toBe(1);
      const fileKey = generateFileKey();
      const header = await wrapFileKey(fileKey, [owner.recipient]);
      const shared = await Promise.all([1, 2, 3, 4].map(() => rewrapper.rewrap(header)));
      expect(rewrapper.counts.workers).toBe(4);
      for (const h of shared) expect(await unwrapFileKey(h, [friend.identity])).toEqual(fileKey);
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
      expect(rewrapper.counts).toEqual({ inThread: 3, workers: 0, workerBatches: 0 });
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

  it('parks a closed pool\'s worker for the next pool, which re-wraps on it with its own keys only', async () => {
    const [a, b, friendA, friendB] = await Promise.all([1, 2, 3, 4].map(() => generateAgeIdentity()));
    if (a === undefined || b === undefined || friendA === undefined || friendB === undefined) throw new Error('unreachable');
    const first = RewrapPool.start([a.identity], [friendA.recipient], { workers: 1, batchHeaders: 4 });
    expect(await first.started()).toBe(1);
    await Promise.all(Array.from({ length: 20 }, async () => first.rewrap(await wrapFileKey(generateFileKey(), [a.recipient]))));
    expect(first.counts.workers).toBeGreaterThan(0);
    await first.close();
    expect(RewrapPool.parkedWorkers).toBe(1);

    const second = RewrapPool.start([b.identity], [friendB.recipient], { workers: 1, batchHeaders: 4 });
    try {
      expect(RewrapPool.parkedWorkers).toBe(0);
      const fileKey = generateFileKey();
      const header = await wrapFileKey(fileKey, [b.recipient]);
      const shared = await Promise.all(Array.from({ length: 8 }, () => second.rewrap(header)));
      // All went to the worker although no await let it start: it was ready.
      expect(second.counts.workers).toBe(8);
      for (const h of shared) {
        expect(await unwrapFileKey(h, [friendB.identity])).toEqual(fileKey);
        await expect(unwrapFileKey(h, [friendA.identity])).rejects.toMatchObject({ details: { reason: 'no-match' } });
      }
      // The first pool's identity is gone from the worker: a header only it opens fails there too.
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, async () => second.rewrap(await wrapFileKey(generateFileKey(), [a.recipient]))));
      expect(outcomes.every((o) => o.status === 'rejected' && o.reason.details?.reason === 'no-match')).toBe(true);
    } finally {
      await second.close();
    }
    // idleMs 0: workers end at close instead of waiting for a next pool.
    const third = RewrapPool.start([b.identity], [friendB.recipient], { workers: 1, idleMs: 0 });
    expect(await third.started()).toBe(1);
    await third.close();
    expect(RewrapPool.parkedWorkers).toBe(0);
  });

  it('starts workers ahead with prestart, and sizes itself by what a worker costs: parked ones pay off sooner', async () => {
    const owner = await generateAgeIdentity();
    expect(() => RewrapPool.prestart({ workers: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    // Too few headers for a worker to start.
    RewrapPool.prestart({ expectedHeaders: HEADERS_PER_WORKER - 1 });
    expect(RewrapPool.parkedWorkers).toBe(0);
    const none = RewrapPool.start([owner.identity], [owner.recipient], { expectedHeaders: HEADERS_PER_WORKER - 1 });
    expect(await none.started()).toBe(0);
    await none.close();
    if (availableParallelism() < 2) return; // one core: never a worker
    RewrapPool.prestart({ expectedHeaders: HEADERS_PER_WORKER });
    expect(RewrapPool.parkedWorkers).toBe(1);
    // A parked worker is worth taking for a small share already.
    const small = RewrapPool.start([owner.identity], [owner.recipient], { expectedHeaders: HEADERS_PER_PARKED_WORKER });
    try {
      expect(RewrapPool.parkedWorkers).toBe(0);
      expect(await small.started()).toBe(1);
      const header = await wrapFileKey(generateFileKey(), [owner.recipient]);
      await Promise.all(Array.from({ length: 40 }, () => small.rewrap(header)));
      expect(small.counts.workers).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
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
