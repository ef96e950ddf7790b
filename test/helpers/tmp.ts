import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder; remove it with the returned cleanup. */
export async function tempDir(prefix = 'notarium-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Passphrase used by tests (accounts there use a low scrypt N for speed). */
export const TEST_PASSPHRASE = 'test passphrase 123';
export const TEST_SCRYPT_N = 1024;
