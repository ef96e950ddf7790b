/**
 * The C2SP age test vectors (npm cctv-age, https://github.com/C2SP/CCTV/tree/main/age):
 * every binary vector for the identity types we support (X25519 and hybrid
 * ML-KEM-768 + X25519). Armored and passphrase-only vectors are out of scope: Notarium
 * stores binary age files and never encrypts to passphrases.
 */
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import * as vectors from 'cctv-age';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotariumError } from '../../../../shared/errors.ts';
import { AgeCipherPool, decryptStream, splitAgeFile } from '../../../../main/core/crypto/index.ts';

/** The whole suite against one libsodium backend. */
export function suite(backend: 'native' | 'wasm'): void {
  describe(`${backend} libsodium`, () => {

    type Expect = 'success' | 'no match' | 'HMAC failure' | 'header failure' | 'payload failure' | 'armor failure';

    interface Vector {
      name: string;
      expect: Expect;
      payloadSha256: string | undefined;
      identities: string[];
      passphrases: string[];
      armored: boolean;
      file: Uint8Array;
    }

    function parseVector(name: string, bytes: Uint8Array): Vector {
      const buf = Buffer.from(bytes);
      const split = buf.indexOf('\n\n');
      const fields = new Map<string, string[]>();
      for (const line of buf.subarray(0, split).toString('utf8').split('\n')) {
        const at = line.indexOf(': ');
        const key = line.slice(0, at);
        fields.set(key, [...(fields.get(key) ?? []), line.slice(at + 2)]);
      }
      const body = buf.subarray(split + 2);
      return {
        name,
        expect: fields.get('expect')?.[0] as Expect,
        payloadSha256: fields.get('payload')?.[0],
        identities: fields.get('identity') ?? [],
        passphrases: fields.get('passphrase') ?? [],
        armored: fields.get('armored')?.[0] === 'yes',
        file: new Uint8Array(fields.get('compressed')?.[0] === 'zlib' ? inflateSync(body) : body),
      };
    }

    const all = Object.entries(vectors as Record<string, unknown>)
      .filter((e): e is [string, Uint8Array] => e[1] instanceof Uint8Array)
      .map(([name, bytes]) => parseVector(name, bytes));
    const supported = all.filter((v) => !v.armored && v.identities.length > 0);

    const OUTCOME: Record<string, Expect> = { header: 'header failure', 'no-match': 'no match', hmac: 'HMAC failure', payload: 'payload failure' };
    // Our API takes the header detached from the payload, so a missing payload nonce is a
    // payload problem here, while the reference implementation reads it with the header.
    const ALIASES: Record<string, Expect> = { stream_no_nonce: 'payload failure', stream_short_nonce: 'payload failure' };

    let pool: AgeCipherPool;
    beforeAll(async () => {
      pool = await AgeCipherPool.create({ backend });
    });
    afterAll(async () => {
      await pool.close();
    });

    async function attempt(v: Vector): Promise<{ outcome: Expect; released: Buffer }> {
      const released: Uint8Array[] = [];
      try {
        const { header, payload } = splitAgeFile(v.file);
        const source = (async function* one() {
          yield payload;
        })();
        for await (const p of decryptStream(header, source, v.identities, pool)) released.push(p);
        return { outcome: 'success', released: Buffer.concat(released) };
      } catch (e) {
        if (!isNotariumError(e) || e.code !== 'AGE_DECRYPT_FAILED') throw e;
        const reason = String(e.details?.reason);
        return { outcome: OUTCOME[reason] ?? 'armor failure', released: Buffer.concat(released) };
      }
    }

    describe('C2SP age test vectors (cctv-age)', () => {
      it('covers every binary X25519 and hybrid vector of the suite', () => {
        expect(all.length).toBe(143);
        expect(supported.length).toBe(85);
        expect(supported.filter((v) => v.identities.some((i) => i.startsWith('AGE-SECRET-KEY-PQ-1'))).length).toBeGreaterThanOrEqual(15);
      });

      it.each(supported.map((v) => [v.name, v] as const))('%s decrypts with the expected outcome and released plaintext', async (_name, v) => {
        const { outcome, released } = await attempt(v);
        expect(outcome).toBe(ALIASES[v.name] ?? v.expect);
        if (v.expect === 'success' || v.expect === 'payload failure') {
          // All plaintext released before a failure must be what the vector says.
          expect(createHash('sha256').update(released).digest('hex')).toBe(v.payloadSha256);
        } else {
          expect(released.length).toBe(0);
        }
      });
    });

  });
}
