import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotariumError } from '../../../shared/errors.ts';
import {
  AgeCipherPool,
  decryptBytes,
  decryptStream,
  encryptBytes,
  encryptStream,
  generateAgeIdentity,
  splitAgeFile,
} from '../../../main/core/crypto/index.ts';
import { SEALED_CHUNK_SIZE } from '../../../main/core/crypto/stream-format.ts';

const MIB = 1024 * 1024;
let pool: AgeCipherPool;
let alice: { identity: string; recipient: string };

beforeAll(async () => {
  pool = await AgeCipherPool.create();
  alice = await generateAgeIdentity();
});
afterAll(async () => {
  await pool.close();
});

/** Decrypts and returns `code:reason` of the error, or 'ok', plus the plaintext released. */
async function outcome(header: Uint8Array, payload: Uint8Array, identities = [alice.identity]): Promise<{ result: string; released: number }> {
  let released = 0;
  try {
    for await (const p of decryptStream(header, slowly(payload, payload.length || 1), identities, pool)) released += p.length;
    return { result: 'ok', released };
  } catch (e) {
    if (!(e instanceof NotariumError)) throw e;
    return { result: `${e.code}:${String(e.details?.reason)}`, released };
  }
}

async function* slowly(bytes: Uint8Array, piece: number): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < bytes.length; off += piece) yield bytes.subarray(off, off + piece);
}

describe('decryptStream', () => {
  it('round-trips 3 MiB + 5 bytes fed one odd-sized piece at a time', async () => {
    const plaintext = randomBytes(3 * MIB + 5);
    const { header, payload } = await encryptStream(slowly(plaintext, 777_777), [alice.recipient], pool);
    const parts: Uint8Array[] = [];
    for await (const p of decryptStream(header, payload, [alice.identity], pool)) parts.push(p);
    expect(Buffer.concat(parts).equals(plaintext)).toBe(true);
  });

  it('fails with AGE_DECRYPT_FAILED (no-match) for a wrong identity, releasing nothing', async () => {
    const mallory = await generateAgeIdentity();
    const { header, payload } = await encryptBytes(randomBytes(1000), [alice.recipient], pool);
    expect(await outcome(header, payload, [mallory.identity])).toEqual({ result: 'AGE_DECRYPT_FAILED:no-match', released: 0 });
  });

  it('tries every identity given', async () => {
    const mallory = await generateAgeIdentity();
    const { header, payload } = await encryptBytes(new TextEncoder().encode('hi'), [alice.recipient], pool);
    expect(new TextDecoder().decode(await decryptBytes(header, payload, [mallory.identity, alice.identity], pool))).toBe('hi');
  });

  it('detects a payload truncated at a chunk boundary (the last-chunk flag is never seen)', async () => {
    const { header, payload } = await encryptBytes(randomBytes(3 * 64 * 1024), [alice.recipient], pool);
    // nonce + 2 full chunks: every remaining chunk authenticates, but none is marked last.
    const truncated = payload.subarray(0, 16 + 2 * SEALED_CHUNK_SIZE);
    expect((await outcome(header, truncated)).result).toBe('AGE_DECRYPT_FAILED:payload');
  });

  it('detects a payload truncated mid-chunk, to the nonce only, or to nothing', async () => {
    const { header, payload } = await encryptBytes(randomBytes(100_000), [alice.recipient], pool);
    for (const cut of [payload.length - 1, 16 + SEALED_CHUNK_SIZE + 10, 16, 5, 0]) {
      expect((await outcome(header, payload.subarray(0, cut))).result).toBe('AGE_DECRYPT_FAILED:payload');
    }
  });

  it('detects an altered byte, swapped chunks and trailing data', async () => {
    const { header, payload } = await encryptBytes(randomBytes(2 * 64 * 1024 + 9), [alice.recipient], pool);
    const flipped = Uint8Array.from(payload);
    flipped[16 + SEALED_CHUNK_SIZE + 100] = (flipped[16 + SEALED_CHUNK_SIZE + 100] as number) ^ 1;
    expect(await outcome(header, flipped)).toEqual({ result: 'AGE_DECRYPT_FAILED:payload', released: 64 * 1024 });

    const c0 = payload.subarray(16, 16 + SEALED_CHUNK_SIZE);
    const c1 = payload.subarray(16 + SEALED_CHUNK_SIZE, 16 + 2 * SEALED_CHUNK_SIZE);
    const swapped = Buffer.concat([payload.subarray(0, 16), c1, c0, payload.subarray(16 + 2 * SEALED_CHUNK_SIZE)]);
    expect(await outcome(header, swapped)).toEqual({ result: 'AGE_DECRYPT_FAILED:payload', released: 0 });

    expect((await outcome(header, Buffer.concat([payload, new Uint8Array(1)]))).result).toBe('AGE_DECRYPT_FAILED:payload');
  });

  it('rejects a payload paired with another file header (different file key)', async () => {
    const one = await encryptBytes(randomBytes(10), [alice.recipient], pool);
    const two = await encryptBytes(randomBytes(10), [alice.recipient], pool);
    expect((await outcome(one.header, two.payload)).result).toBe('AGE_DECRYPT_FAILED:payload');
  });

  it('rejects a whole age file passed as the header', async () => {
    const { header, payload } = await encryptBytes(randomBytes(10), [alice.recipient], pool);
    expect((await outcome(Buffer.concat([header, payload]), payload)).result).toBe('AGE_DECRYPT_FAILED:header');
    expect(Buffer.from(splitAgeFile(Buffer.concat([header, payload])).header).equals(header)).toBe(true);
  });
});

describe('streaming with bounded memory', () => {
  it('encryption pulls only a few MiB ahead of a consumer that stops reading, and closes the source on return', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 256; i++) {
          pulled += MIB;
          yield new Uint8Array(MIB);
        }
      } finally {
        closed = true;
      }
    }
    const { payload } = await encryptStream(endless(), [alice.recipient], pool);
    const it = payload[Symbol.asyncIterator]();
    await it.next(); // nonce
    await it.next(); // first batch
    await new Promise((r) => setTimeout(r, 200));
    // window (4) + the batch being assembled + one read-ahead piece, of 1 MiB each.
    const bound = (pool.window + 3) * MIB;
    expect(pulled).toBeLessThanOrEqual(bound);
    expect(pulled).toBeGreaterThan(0);
    await it.return?.(undefined);
    expect(closed).toBe(true);
  });

  it('decryption pulls only a few MiB of payload ahead of its consumer', async () => {
    const { header, payload } = await encryptBytes(new Uint8Array(24 * MIB), [alice.recipient], pool);
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let off = 0; off < payload.length; off += MIB) {
        pulled += Math.min(MIB, payload.length - off);
        yield payload.subarray(off, off + MIB);
      }
    }
    const it = decryptStream(header, source(), [alice.identity], pool)[Symbol.asyncIterator]();
    expect((await it.next()).value).toHaveLength(pool.batchChunks * 64 * 1024);
    await new Promise((r) => setTimeout(r, 200));
    expect(pulled).toBeLessThanOrEqual((pool.window + 3) * MIB);
    await it.return?.(undefined);
  });
});
