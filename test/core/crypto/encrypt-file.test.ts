import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgeCipherPool, decryptBytes, encryptBytes, encryptFile, generateAgeIdentity } from '../../../main/core/crypto/index.ts';
import { payloadSize } from '../../../main/core/crypto/stream-format.ts';

const run = promisify(execFile);
const KiB = 1024;
const MiB = 1024 * KiB;

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return parts;
}

describe.each(['native', 'wasm'] as const)('encryptFile in a %s cipher worker', (backend) => {
  let dir: string;
  let pool: AgeCipherPool;
  let identity: string;
  let recipient: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'notarium-encrypt-file-'));
    pool = await AgeCipherPool.create({ backend, size: 1 });
    ({ identity, recipient } = await generateAgeIdentity());
  });
  afterAll(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  // Sizes around every boundary: empty, chunk (64 KiB), batch (1 MiB) and leaf edges.
  const leafSize = 100_000;
  const sizes = [0, 1, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, MiB, MiB + 1, 2 * MiB, 3 * MiB + 12_345];
  it.each(sizes)('%i bytes: leaves of leafSize bytes, each with its SHA-256; decrypts to the file; plaintext SHA-256 and size', async (size) => {
    const plaintext = randomBytes(size);
    const file = path.join(dir, `f${size}`);
    await writeFile(file, plaintext);
    const seen: Array<{ bytes: Uint8Array; digest: Uint8Array }> = [];
    let progress = 0;
    const enc = await encryptFile(file, [recipient], pool, { leafSize, onLeaf: (bytes, digest) => seen.push({ bytes, digest }), onPlaintextBytes: (n) => (progress += n) });
    const leaves = await collect(enc.payload);
    const payload = Buffer.concat(leaves);
    expect(payload.length).toBe(payloadSize(size));
    leaves.slice(0, -1).forEach((l) => expect(l.length).toBe(leafSize));
    expect(leaves.at(-1)?.length).toBe(payload.length - (leaves.length - 1) * leafSize);
    expect(seen.map((s) => s.bytes)).toEqual(leaves);
    seen.forEach((s) => expect(Buffer.from(s.digest).equals(createHash('sha256').update(s.bytes).digest())).toBe(true));
    expect(await enc.plaintext).toEqual({ sha256: `0x${createHash('sha256').update(plaintext).digest('hex')}`, size });
    expect(progress).toBe(size);
    const opened = await decryptBytes(enc.header, payload, [identity], pool);
    expect(Buffer.from(opened).equals(plaintext)).toBe(true);
  });

  it("hashLeaves 'here': the leaves are hashed by the receiving thread, with the same digests", async () => {
    const plaintext = randomBytes(3 * MiB);
    const file = path.join(dir, 'here');
    await writeFile(file, plaintext);
    const seen: Array<{ bytes: Uint8Array; digest: Uint8Array }> = [];
    const enc = await encryptFile(file, [recipient], pool, { leafSize: MiB, hashLeaves: 'here', onLeaf: (bytes, digest) => seen.push({ bytes, digest }) });
    const leaves = await collect(enc.payload);
    expect(leaves).toHaveLength(4);
    seen.forEach((s) => expect(Buffer.from(s.digest).equals(createHash('sha256').update(s.bytes).digest())).toBe(true));
    expect(Buffer.from(await decryptBytes(enc.header, Buffer.concat(leaves), [identity], pool)).equals(plaintext)).toBe(true);
  });

  it.runIf(process.platform === 'linux')('a file longer than its stat size said (it grew) still seals whole: the payload decrypts to what was read', async () => {
    // /proc files stat as 0 bytes and read as more: the buffers sized for 0 bytes must grow.
    const enc = await encryptFile('/proc/self/smaps', [recipient], pool, { leafSize: 4096 });
    const leaves = await collect(enc.payload);
    const { sha256, size } = await enc.plaintext;
    expect(size).toBeGreaterThan(64 * KiB);
    const opened = await decryptBytes(enc.header, Buffer.concat(leaves), [identity], pool);
    expect(opened.length).toBe(size);
    expect(`0x${createHash('sha256').update(opened).digest('hex')}`).toBe(sha256);
  });

  it('the age CLI decrypts header ‖ payload', async () => {
    const plaintext = randomBytes(2 * MiB + 77);
    const file = path.join(dir, 'cli');
    await writeFile(file, plaintext);
    const enc = await encryptFile(file, [recipient], pool, { leafSize: MiB });
    const ageFile = path.join(dir, 'cli.age');
    await writeFile(ageFile, Buffer.concat([enc.header, ...(await collect(enc.payload))]));
    const idFile = path.join(dir, 'id.txt');
    await writeFile(idFile, `${identity}\n`);
    const { stdout } = await run('age', ['-d', '-i', idFile, ageFile], { encoding: 'buffer', maxBuffer: 8 * MiB });
    expect(Buffer.from(stdout).equals(plaintext)).toBe(true);
  });

  it('a missing file fails with ENOENT, an aborted one with the reason; the pool goes on serving', async () => {
    const missing = await encryptFile(path.join(dir, 'nope'), [recipient], pool, { leafSize });
    await expect(collect(missing.payload)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(missing.plaintext).rejects.toMatchObject({ code: 'ENOENT' });

    const big = path.join(dir, 'big');
    await writeFile(big, randomBytes(8 * MiB));
    const controller = new AbortController();
    const aborted = await encryptFile(big, [recipient], pool, { leafSize: 64 * KiB, signal: controller.signal });
    const it = aborted.payload[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    controller.abort(new Error('stop here'));
    await expect(collect({ [Symbol.asyncIterator]: () => it })).rejects.toThrow('stop here');

    // A consumer that stops early cancels the job; the worker stays usable.
    const early = await encryptFile(big, [recipient], pool, { leafSize: 64 * KiB });
    for await (const _ of early.payload) break;
    await expect(early.plaintext).rejects.toMatchObject({ code: 'CANCELLED' });

    const small = randomBytes(300 * KiB);
    const e = await encryptBytes(small, [recipient], pool);
    expect(Buffer.from(await decryptBytes(e.header, e.payload, [identity], pool)).equals(small)).toBe(true);
  });

  it('release hands full leaves but the first back to the worker (detached here); files sealed with recycled buffers decrypt', async () => {
    const leafBytes = 256 * KiB;
    // Two files, the second sealed into the buffers the first gave back, then a third
    // sealed concurrently with a fourth: each must come out exactly as its own.
    const seal = async (name: string, size: number): Promise<{ plaintext: Buffer; copies: Buffer[]; released: number[]; withRelease: boolean[] }> => {
      const plaintext = randomBytes(size);
      const file = path.join(dir, name);
      await writeFile(file, plaintext);
      const records: Array<{ copy: Buffer; release: (() => void) | undefined; bytes: Uint8Array }> = [];
      const enc = await encryptFile(file, [recipient], pool, { leafSize: leafBytes, onLeaf: (bytes, _digest, release) => records.push({ copy: Buffer.from(bytes), release, bytes }) });
      const released: number[] = [];
      for await (const leaf of enc.payload) {
        const rec = records.at(-1);
        expect(rec?.bytes).toBe(leaf);
        // As the store does: the bytes are written (copied here), then handed back.
        rec?.release?.();
        released.push(leaf.length);
      }
      const copies = records.map((r) => r.copy);
      const opened = await decryptBytes(enc.header, Buffer.concat(copies), [identity], pool);
      expect(Buffer.from(opened).equals(plaintext)).toBe(true);
      expect((await enc.plaintext).sha256).toBe(`0x${createHash('sha256').update(plaintext).digest('hex')}`);
      return { plaintext, copies, released, withRelease: records.map((r) => r.release !== undefined) };
    };
    const first = await seal('recycle-1', 3 * MiB + 5);
    // 16-byte nonce + 49 sealed chunks: 13 leaves, the last one short.
    expect(first.withRelease).toEqual([false, ...Array<boolean>(11).fill(true), false]);
    // A released leaf is detached (length 0 here); the others keep their bytes.
    expect(first.released).toEqual([leafBytes, ...Array<number>(11).fill(0), first.copies.at(-1)?.length]);
    const second = await seal('recycle-2', 2 * MiB);
    expect(second.withRelease.filter(Boolean).length).toBeGreaterThan(5);
    await Promise.all([seal('recycle-3', 5 * MiB + 1), seal('recycle-4', MiB + 100)]);
  });

  it('files sealed at once on one worker come out whole and in order', async () => {
    const files = await Promise.all(
      [5 * MiB + 3, 700 * KiB, 2 * MiB].map(async (size, i) => {
        const bytes = randomBytes(size);
        const file = path.join(dir, `c${i}`);
        await writeFile(file, bytes);
        return { file, bytes };
      }),
    );
    const results = await Promise.all(
      files.map(async ({ file }) => {
        const enc = await encryptFile(file, [recipient], pool, { leafSize: MiB, signal: AbortSignal.timeout(60_000) });
        return decryptBytes(enc.header, Buffer.concat(await collect(enc.payload)), [identity], pool);
      }),
    );
    results.forEach((r, i) => expect(Buffer.from(r).equals(files[i]?.bytes as Buffer)).toBe(true));
  });

  it('is refused by an in-thread pool (no worker to read the file)', async () => {
    const inline = await AgeCipherPool.inThread({ backend });
    expect(inline.canSealFiles).toBe(false);
    expect(pool.canSealFiles).toBe(true);
    const enc = await encryptFile(path.join(dir, 'f1'), [recipient], inline, { leafSize });
    await expect(collect(enc.payload)).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
    await inline.close();
  });
});
