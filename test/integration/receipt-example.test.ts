import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyFiles } from '../../main/core/notary/verify.ts';
import { tempDir } from '../helpers/tmp.ts';

const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/example-receipt.json');

describe('docs/RECEIPT.md worked example', () => {
  it('the example receipt verifies offline against the two files the document spells out', async () => {
    const tmp = await tempDir();
    try {
      const folder = path.join(tmp.dir, 'wx');
      await mkdir(folder);
      await writeFile(path.join(folder, 'cohort.csv'), 'subject,age\nS1,42\n');
      await writeFile(path.join(folder, 'notes.txt'), 'hello world');
      const report = await verifyFiles({ inputs: [folder], receiptPath: example, offline: true, chain: null });
      expect(report.ok).toBe(true);
      expect(report.files.map((f) => f.status)).toEqual(['pass', 'pass']);
      expect(report.checks.chain.status).toBe('skipped');
    } finally {
      await tmp.cleanup();
    }
  });
});
