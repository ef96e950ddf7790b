import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FRUGAL_HEAP_MIN_FILES, frugalHeapHeld } from '../../main/core/heap.ts';
import { Notarium } from '../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

/** Notarizes, retrieves and verifies `count` tiny files; returns whether the frugal heap was held while files were encrypted, restored and hashed. */
async function heldDuring(count: number): Promise<{ notarize: boolean; retrieve: boolean; verify: boolean }> {
  const tmp = await tempDir();
  const n = await Notarium.open({ dataDir: path.join(tmp.dir, 'data'), scryptN: TEST_SCRYPT_N });
  try {
    await n.init(TEST_PASSPHRASE);
    const folder = path.join(tmp.dir, 'ds');
    await mkdir(folder);
    for (let i = 0; i < count; i++) await writeFile(path.join(folder, `f${String(i).padStart(5, '0')}.txt`), `file ${i}\n`);
    const seen = { notarize: false, retrieve: false, verify: false };
    const r = await n.notarize({ inputs: [folder], title: 'heap' }, {
      passphrase: TEST_PASSPHRASE,
      onProgress: (p) => {
        if (p.phase === 'encrypting' && p.filesDone > 0) seen.notarize ||= frugalHeapHeld();
      },
    });
    expect(frugalHeapHeld()).toBe(false);
    const out = await n.retrieve({ source: r.receiptPath, out: path.join(tmp.dir, 'out') }, {
      passphrase: TEST_PASSPHRASE,
      onProgress: (p) => {
        if (p.filesDone > 0) seen.retrieve ||= frugalHeapHeld();
      },
    });
    expect(out.fileCount).toBe(count);
    expect(frugalHeapHeld()).toBe(false);
    const report = await n.verify({ inputs: [folder], receipt: r.receiptPath }, (p) => {
      if (p.filesDone > 0) seen.verify ||= frugalHeapHeld();
    });
    expect(report.ok).toBe(true);
    expect(report.files.filter((f) => f.status === 'pass')).toHaveLength(count);
    expect(frugalHeapHeld()).toBe(false);
    return seen;
  } finally {
    await n.close();
    await tmp.cleanup();
  }
}

describe('heap sizing of jobs (heap.ts)', () => {
  it(`keeps the frugal heap through a job of ${FRUGAL_HEAP_MIN_FILES} files and releases it after`, async () => {
    expect(await heldDuring(FRUGAL_HEAP_MIN_FILES)).toEqual({ notarize: true, retrieve: true, verify: true });
  }, 120_000);

  it('leaves V8 its default sizing for a job of few files', async () => {
    expect(await heldDuring(3)).toEqual({ notarize: false, retrieve: false, verify: false });
  }, 60_000);
});
