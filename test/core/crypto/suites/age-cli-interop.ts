/**
 * Interop with the reference implementation, the Debian `age` CLI (apt-get install age):
 * our header || payload decrypts with `age -d`, and files from `age -e` decrypt with us.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgeCipherPool,
  decryptStream,
  encryptStream,
  generateAgeIdentity,
  identityToRecipient,
  payloadSize,
  readAgeHeader,
} from '../../../../main/core/crypto/index.ts';

/** The whole suite against one libsodium backend. */
export function suite(backend: 'native' | 'wasm'): void {
  describe(`${backend} libsodium`, () => {

    const run = promisify(execFile);
    const KIB = 1024;
    const SIZES: [string, number][] = [
      ['an empty file', 0],
      ['a 1-byte file', 1],
      ['exactly one 64 KiB chunk', 64 * KIB],
      ['64 KiB + 1 byte', 64 * KIB + 1],
      ['a multi-MiB file', 5 * 1024 * KIB + 12_345],
    ];

    let dir: string;
    let pool: AgeCipherPool;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'notarium-age-cli-'));
      pool = await AgeCipherPool.create({ backend });
    });
    afterAll(async () => {
      await pool.close();
      await rm(dir, { recursive: true, force: true });
    });

    /** Yields `bytes` in irregular pieces so that batching across piece borders is exercised. */
    async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
      const sizes = [1, 7, 65_535, 100_000, 3, 1_048_577];
      for (let off = 0, k = 0; off < bytes.length; k++) {
        const n = sizes[k % sizes.length] as number;
        yield bytes.subarray(off, off + n);
        off += n;
      }
    }

    async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
      const parts: Uint8Array[] = [];
      for await (const p of it) parts.push(p);
      return Buffer.concat(parts);
    }

    function sha256(bytes: Uint8Array): string {
      return createHash('sha256').update(bytes).digest('hex');
    }

    async function keyFile(name: string, identity: string): Promise<string> {
      const path = join(dir, name);
      await writeFile(path, `${identity}\n`, { mode: 0o600 });
      return path;
    }

    describe('age CLI interop', () => {
      it.each(SIZES)('age -d decrypts our header || payload for %s', async (_label, size) => {
        const plaintext = randomBytes(size);
        const alice = await generateAgeIdentity();
        const bob = await generateAgeIdentity();
        const { header, payload } = await encryptStream(pieces(plaintext), [alice.recipient, bob.recipient], pool);
        const payloadBytes = await collect(payload);
        expect(payloadBytes.length).toBe(payloadSize(size));
        const file = join(dir, `ours-${size}.age`);
        await writeFile(file, Buffer.concat([header, payloadBytes]));
        // Either recipient's identity works with the reference implementation.
        for (const [name, who] of [['alice', alice], ['bob', bob]] as const) {
          // stdout rather than -o: age creates no output file for an empty plaintext.
          const { stdout } = await run('age', ['-d', '-i', await keyFile(`${name}-${size}.key`, who.identity), file], { encoding: 'buffer', maxBuffer: 64 << 20 });
          expect(sha256(stdout)).toBe(sha256(plaintext));
        }
      });

      it.each(SIZES)('we decrypt what age -e -r wrote for %s', async (_label, size) => {
        const plaintext = randomBytes(size);
        const { identity, recipient } = await generateAgeIdentity();
        const input = join(dir, `cli-${size}.bin`);
        const file = join(dir, `cli-${size}.age`);
        await writeFile(input, plaintext);
        await run('age', ['-e', '-r', recipient, '-o', file, input]);
        const { header, payload } = await readAgeHeader(pieces(await readFile(file)));
        const decrypted = await collect(decryptStream(header, payload, [identity], pool));
        expect(decrypted.equals(plaintext)).toBe(true);
      });

      it('derives the same recipient from an identity as age-keygen -y', async () => {
        const { stdout } = await run('age-keygen', []);
        const identity = stdout.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1')) as string;
        const expected = stdout.split('\n').find((l) => l.startsWith('# public key: '))?.slice('# public key: '.length);
        expect(await identityToRecipient(identity)).toBe(expected);
        const ours = await generateAgeIdentity();
        const { stdout: derived } = await run('age-keygen', ['-y', await keyFile('ours.key', ours.identity)]);
        expect(derived.trim()).toBe(ours.recipient);
      });
    });

  });
}
