import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decrypter } from 'age-encryption';
import { NotariumError } from '../../../shared/errors.ts';
import {
  AgeCipherPool,
  decryptBytes,
  encryptBytes,
  generateAgeIdentity,
  rewrapHeader,
  unwrapFileKey,
} from '../../../main/core/crypto/index.ts';
import { parseHeader } from '../../../main/core/crypto/header.ts';

const run = promisify(execFile);
let pool: AgeCipherPool;
let dir: string;

beforeAll(async () => {
  pool = await AgeCipherPool.create();
  dir = await mkdtemp(join(tmpdir(), 'notarium-age-rewrap-'));
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof NotariumError) return `${e.code}:${String(e.details?.reason ?? '')}`;
    throw e;
  }
  return 'resolved';
}

describe('rewrapHeader (sharing without re-encrypting)', () => {
  it('gives a new recipient a header that decrypts the untouched payload, for us and for age -d', async () => {
    const owner = await generateAgeIdentity();
    const collaborator = await generateAgeIdentity();
    const plaintext = randomBytes(200_000);
    const { header, payload } = await encryptBytes(plaintext, [owner.recipient], pool);
    const payloadHash = sha256(payload);

    const shared = await rewrapHeader(header, [owner.identity], [collaborator.recipient]);

    expect(sha256(payload)).toBe(payloadHash);
    expect(Buffer.from(shared).equals(Buffer.from(header))).toBe(false);
    expect(Buffer.from(await decryptBytes(shared, payload, [collaborator.identity], pool)).equals(plaintext)).toBe(true);
    expect(await unwrapFileKey(shared, [collaborator.identity])).toEqual(await unwrapFileKey(header, [owner.identity]));
    // The new header holds only the new recipient.
    expect(await reason(unwrapFileKey(shared, [owner.identity]))).toBe('AGE_DECRYPT_FAILED:no-match');

    const file = join(dir, 'shared.age');
    const key = join(dir, 'collaborator.key');
    await writeFile(file, Buffer.concat([shared, payload]));
    await writeFile(key, `${collaborator.identity}\n`);
    const { stdout } = await run('age', ['-d', '-i', key, file], { encoding: 'buffer', maxBuffer: 16 << 20 });
    expect(sha256(stdout)).toBe(sha256(plaintext));
  });

  it('keeps old recipients when they are listed again, one stanza each', async () => {
    const a = await generateAgeIdentity();
    const b = await generateAgeIdentity();
    const { header, payload } = await encryptBytes(new TextEncoder().encode('manifest'), [a.recipient], pool);
    const both = await rewrapHeader(header, [a.identity], [a.recipient, b.recipient]);
    expect(parseHeader(both).stanzas.map((s) => s.args[0])).toEqual(['X25519', 'X25519']);
    for (const id of [a.identity, b.identity]) {
      expect(new TextDecoder().decode(await decryptBytes(both, payload, [id], pool))).toBe('manifest');
    }
  });

  it('wraps for a hybrid post-quantum recipient (age1pq1...) that typage can read back', async () => {
    const owner = await generateAgeIdentity();
    const pq = await generateAgeIdentity({ type: 'mlkem768x25519' });
    expect(pq.recipient.startsWith('age1pq1')).toBe(true);
    const { header, payload } = await encryptBytes(new TextEncoder().encode('pq'), [owner.recipient], pool);
    const shared = await rewrapHeader(header, [owner.identity], [pq.recipient]);
    expect(parseHeader(shared).stanzas[0]?.args[0]).toBe('mlkem768x25519');
    expect(new TextDecoder().decode(await decryptBytes(shared, payload, [pq.identity], pool))).toBe('pq');
    // An independent reader: typage's own Decrypter on the whole file.
    const d = new Decrypter();
    d.addIdentity(pq.identity);
    expect(await d.decrypt(Buffer.concat([shared, payload]), 'text')).toBe('pq');
  });

  it('refuses to rewrap without a matching identity', async () => {
    const owner = await generateAgeIdentity();
    const stranger = await generateAgeIdentity();
    const { header } = await encryptBytes(new Uint8Array(1), [owner.recipient], pool);
    expect(await reason(rewrapHeader(header, [stranger.identity], [stranger.recipient]))).toBe('AGE_DECRYPT_FAILED:no-match');
  });

  it('rejects invalid recipients and identities with INVALID_INPUT', async () => {
    const owner = await generateAgeIdentity();
    const { header } = await encryptBytes(new Uint8Array(1), [owner.recipient], pool);
    const bad = `${owner.recipient.slice(0, -1)}${owner.recipient.endsWith('q') ? 'p' : 'q'}`;
    expect(await reason(rewrapHeader(header, [owner.identity], [bad]))).toBe('INVALID_INPUT:');
    expect(await reason(rewrapHeader(header, [owner.identity], []))).toBe('INVALID_INPUT:');
    expect(await reason(rewrapHeader(header, ['AGE-SECRET-KEY-1XYZ'], [owner.recipient]))).toBe('INVALID_INPUT:');
    expect(await reason(encryptBytes(new Uint8Array(1), [], pool))).toBe('INVALID_INPUT:');
  });
});

describe('unwrapFileKey', () => {
  it('detects a header altered after encryption (MAC) and a corrupted header (format)', async () => {
    const a = await generateAgeIdentity();
    const b = await generateAgeIdentity();
    const { header } = await encryptBytes(new Uint8Array(10), [a.recipient, b.recipient], pool);
    const text = Buffer.from(header).toString('latin1');
    // Dropping Bob's stanza leaves Alice's valid but changes what the MAC covers.
    const lines = text.split('\n');
    const withoutBob = [lines[0], lines[1], lines[2], ...lines.slice(5)].join('\n');
    expect(await reason(unwrapFileKey(Buffer.from(withoutBob, 'latin1'), [a.identity]))).toBe('AGE_DECRYPT_FAILED:hmac');
    expect(await reason(unwrapFileKey(Buffer.from(text.replace('-> X25519', '->  X25519'), 'latin1'), [a.identity]))).toBe('AGE_DECRYPT_FAILED:header');
    expect(await unwrapFileKey(header, [b.identity])).toHaveLength(16);
  });
});

describe('createRewrapper', () => {
  it('re-wraps many headers with keys parsed once, each decrypting its unchanged payload for the new recipient', async () => {
    const { AgeCipherPool, createRewrapper, decryptBytes, encryptBytes, generateAgeIdentity } = await import('../../../main/core/crypto/index.ts');
    const p = await AgeCipherPool.create({ size: 1 });
    try {
      const owner = await generateAgeIdentity();
      const friend = await generateAgeIdentity();
      const files = await Promise.all([1, 2, 3].map((n) => encryptBytes(new Uint8Array(n * 1000).fill(n), [owner.recipient], p)));
      const rewrap = createRewrapper([owner.identity], [friend.recipient]);
      for (const [i, f] of files.entries()) {
        const shared = await rewrap(f.header);
        expect(Buffer.from(await decryptBytes(shared, f.payload, [friend.identity], p)).equals(Buffer.alloc((i + 1) * 1000, i + 1))).toBe(true);
        await expect(decryptBytes(shared, f.payload, [owner.identity], p)).rejects.toMatchObject({ code: 'AGE_DECRYPT_FAILED' });
      }
      expect(() => createRewrapper([owner.identity], ['age1bogus'])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    } finally {
      await p.close();
    }
  });
});
