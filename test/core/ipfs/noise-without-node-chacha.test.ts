/**
 * Networking works where node:crypto has no ChaCha20-Poly1305, as in Electron (BoringSSL),
 * whose core runs in a worker that Noise's own Electron check does not recognise: two
 * nodes complete the Noise handshake and move a file in a child process whose
 * chacha20-poly1305 is removed (and only that, as in Electron).
 */
import { execFile } from 'node:child_process';
import { getCiphers } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

it('two nodes exchange a 3 MiB file over Noise with node:crypto ChaCha20-Poly1305 disabled', async () => {
  // Otherwise the preload would prove nothing.
  expect(getCiphers()).toContain('chacha20-poly1305');
  const { stdout } = await run(process.execPath, ['--import', fixture('./fixtures/without-chacha-cipher.ts'), fixture('./fixtures/two-nodes.ts')], { timeout: 60_000 });
  expect(JSON.parse(stdout)).toEqual({ transferred: true, nodeHasChacha: false, noise: 'sodium-native' });
});
