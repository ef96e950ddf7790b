import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../../main/core/crypto/cipher-pool.ts';
import { AgeCipherPool, decryptBytes, encryptBytes, generateAgeIdentity } from '../../../main/core/crypto/index.ts';

const run = promisify(execFile);

describe('AgeCipherPool', () => {
  it('defaults to one native worker (or min(2, cores) WASM workers), 1 MiB batches, two batches per worker in flight', async () => {
    const pool = await AgeCipherPool.create();
    const wasm = await AgeCipherPool.create({ backend: 'wasm' });
    try {
      expect(pool.backend).toBe('native');
      expect(pool.size).toBe(1);
      expect(wasm.size).toBe(Math.min(2, availableParallelism()));
      expect(pool.batchChunks).toBe(16);
      expect(pool.window).toBe(2 * pool.size);
      expect(wasm.window).toBe(2 * wasm.size);
    } finally {
      await pool.close();
      await wasm.close();
    }
  });

  it('rejects nonsensical sizes with INVALID_INPUT', async () => {
    await expect(AgeCipherPool.create(0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(AgeCipherPool.create({ batchChunks: 1.5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('serves interleaved streams on one shared pool, each with its own key and order', async () => {
    const pool = await AgeCipherPool.create({ size: 2, batchChunks: 2, window: 3 });
    try {
      const { identity, recipient } = await generateAgeIdentity();
      const files = Array.from({ length: 6 }, (_, i) => randomBytes(i * 200_001 + 7));
      const encrypted = await Promise.all(files.map((f) => encryptBytes(f, [recipient], pool)));
      const decrypted = await Promise.all(encrypted.map((e) => decryptBytes(e.header, e.payload, [identity], pool)));
      decrypted.forEach((d, i) => expect(Buffer.from(d).equals(files[i] as Buffer)).toBe(true));
    } finally {
      await pool.close();
    }
  });

  it('transfers batch buffers to the worker and gets the result back in them when they have room', async () => {
    const pool = await AgeCipherPool.create(1);
    try {
      const tight = new Uint8Array(64 * 1024);
      const sealed = await pool.run({ op: 'seal', key: new Uint8Array(32), firstChunk: 0, final: true, data: tight });
      expect(tight.byteLength).toBe(0); // detached, not copied
      expect(sealed.data.byteLength).toBe(64 * 1024 + 16);

      const roomy = new Uint8Array(new ArrayBuffer(2 * 64 * 1024 + 32), 0, 2 * 64 * 1024);
      const result = await pool.run({ op: 'seal', key: new Uint8Array(32), firstChunk: 0, final: true, data: roomy });
      expect(result.data.byteLength).toBe(2 * 64 * 1024 + 32);
      expect(result.data.byteOffset).toBe(0);
      const opened = await pool.run({ op: 'open', key: new Uint8Array(32), firstChunk: 0, final: true, data: result.data });
      expect(opened).toMatchObject({ failedChunk: null });
      expect(opened.data.buffer.byteLength).toBe(2 * 64 * 1024 + 32); // the same allocation, travelling back and forth
      expect(opened.data).toEqual(new Uint8Array(2 * 64 * 1024));
    } finally {
      await pool.close();
    }
  });

  it('fails pending and later work with CRYPTO_FAILED once closed', async () => {
    const pool = await AgeCipherPool.create(1);
    const pending = pool.run({ op: 'seal', key: new Uint8Array(32), firstChunk: 0, final: true, data: new Uint8Array(16 * 65_536) });
    const settled = expect(pending).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
    await pool.close();
    await pool.close();
    await settled;
    await expect(pool.run({ op: 'seal', key: new Uint8Array(32), firstChunk: 0, final: true, data: new Uint8Array(1) })).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
  });

  it('passes Node flags to its workers, except those of node -e and the heap sizes new Worker() refuses', () => {
    expect(workerExecArgv(['--import', 'x.ts', '--input-type=module', '-e', 'code', '--max-old-space-size=100', '--max-semi-space-size=1', '--no-warnings'])).toEqual(['--import', 'x.ts', '--no-warnings']);
  });

  it('starts under a parent run with --max-semi-space-size (as the CLI launcher does)', async () => {
    const index = fileURLToPath(new URL('../../../main/core/crypto/index.ts', import.meta.url));
    const script = `const { AgeCipherPool } = await import(${JSON.stringify(index)}); const p = await AgeCipherPool.create(); console.log(p.size); await p.close();`;
    const { stdout } = await run(process.execPath, ['--max-semi-space-size=1', '--input-type=module', '-e', script], { timeout: 20_000 });
    expect(Number(stdout.trim())).toBeGreaterThanOrEqual(1);
  });

  it('does not keep a process alive once idle, even if never closed', async () => {
    const index = fileURLToPath(new URL('../../../main/core/crypto/index.ts', import.meta.url));
    const script = `
      const { AgeCipherPool, encryptBytes, generateAgeIdentity } = await import(${JSON.stringify(index)});
      const pool = await AgeCipherPool.create();
      const { recipient } = await generateAgeIdentity();
      const { payload } = await encryptBytes(new Uint8Array(100000), [recipient], pool);
      console.log(payload.length);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
    expect(stdout.trim()).toBe(String(16 + 100_000 + 2 * 16));
  });

  describe('in the calling thread (AgeCipherPool.inThread)', () => {
    it.each(['native', 'wasm'] as const)('seals exactly what a worker seals and opens it back, with no worker (%s)', async (backend) => {
      const workers = await AgeCipherPool.create({ size: 1, backend });
      const inThread = await AgeCipherPool.inThread({ backend });
      try {
        expect(inThread.size).toBe(0);
        expect(inThread.backend).toBe(backend);
        const key = new Uint8Array(randomBytes(32));
        const plain = randomBytes(3 * 65_536 + 100);
        const job = (data: Uint8Array) => ({ op: 'seal' as const, key, firstChunk: 5, final: true, data });
        const roomy = (): Uint8Array => {
          const b = new Uint8Array(plain.length + 4 * 16);
          b.set(plain);
          return b.subarray(0, plain.length);
        };
        const byWorker = await workers.run(job(roomy()));
        const byThread = await inThread.run(job(roomy()));
        expect(Buffer.from(byThread.data).equals(Buffer.from(byWorker.data))).toBe(true);
        const opened = await inThread.run({ op: 'open', key, firstChunk: 5, final: true, data: byWorker.data });
        expect(opened.failedChunk).toBeNull();
        expect(Buffer.from(opened.data).equals(plain)).toBe(true);
        // A stream sealed in-thread is a standard payload the workers open, and back.
        const { identity, recipient } = await generateAgeIdentity();
        const e = await encryptBytes(plain, [recipient], inThread);
        expect(Buffer.from(await decryptBytes(e.header, e.payload, [identity], workers)).equals(plain)).toBe(true);
        await expect(decryptBytes(e.header, e.payload.subarray(0, e.payload.length - 1), [identity], inThread)).rejects.toMatchObject({ code: 'AGE_DECRYPT_FAILED', details: { reason: 'payload' } });
      } finally {
        await workers.close();
        await inThread.close();
      }
    });

    it('yields to the event loop between batches and fails with CRYPTO_FAILED once closed', async () => {
      const pool = await AgeCipherPool.inThread();
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 0);
      try {
        const { recipient } = await generateAgeIdentity();
        await encryptBytes(new Uint8Array(8 * 1024 * 1024), [recipient], pool);
      } finally {
        clearInterval(timer);
      }
      expect(ticks).toBeGreaterThan(0);
      const pending = pool.run({ op: 'seal', key: new Uint8Array(32), firstChunk: 0, final: true, data: new Uint8Array(10) });
      await pool.close();
      await expect(pending).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
      await expect(pool.run({ op: 'seal', key: new Uint8Array(32), firstChunk: 0, final: true, data: new Uint8Array(1) })).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
    });
  });
});
