import { execFile } from 'node:child_process';
import { getCiphers } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** The whole suite against one libsodium backend. */
export function suite(backend: 'native' | 'wasm'): void {
  describe(`${backend} libsodium`, () => {

    const run = promisify(execFile);
    const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

    describe('payload path without node:crypto ChaCha20-Poly1305 (as in Electron)', () => {
      it('encrypts (workers and in-thread), re-wraps (in-thread and on a worker) and decrypts while every thread has chacha20-poly1305 disabled', async () => {
        // Otherwise the patch below would prove nothing.
        expect(getCiphers()).toContain('chacha20-poly1305');
        const dir = await mkdtemp(join(tmpdir(), 'notarium-no-chacha-'));
        try {
          const log = join(dir, 'patched-threads.log');
          const { stdout } = await run(process.execPath, ['--import', fixture('without-node-chacha.ts'), fixture('round-trip.ts'), backend], {
            env: { ...process.env, NOTARIUM_PATCH_LOG: log },
          });
          expect(JSON.parse(stdout)).toEqual({ roundTrip: true, inThreadRoundTrip: true, rewrappedByWorker: true, backend, payloadBytes: 16 + 3 * 65_552 + 3 + 16, nodeHasChacha: false, createCipherivThrows: true });
          // The main thread (0), both pool workers and the rewrap worker ran with the patch.
          const threads = (await readFile(log, 'utf8')).trim().split('\n').map(Number);
          expect(threads).toContain(0);
          expect(threads.filter((t) => t > 0).length).toBeGreaterThanOrEqual(3);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    });

  });
}
