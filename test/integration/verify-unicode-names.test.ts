/**
 * File names are compared as Unicode text, not bytes: a dataset notarized on macOS (names
 * in NFD) verifies against a copy whose names are NFC (Linux, Windows), and vice versa.
 */
import { describe, expect, it } from 'vitest';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Notarium } from '../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

describe('verify matches file names across Unicode normalization forms', () => {
  it('an NFD-named file notarized verifies under its NFC name; other content still fails', async () => {
    const tmp = await tempDir();
    const n = await Notarium.open({ dataDir: path.join(tmp.dir, 'data'), scryptN: TEST_SCRYPT_N });
    try {
      await n.init(TEST_PASSPHRASE);
      const folder = path.join(tmp.dir, 'study');
      await mkdir(folder);
      const nfd = 'Übersicht-café.txt'.normalize('NFD');
      const nfc = nfd.normalize('NFC');
      expect(nfd).not.toBe(nfc);
      await writeFile(path.join(folder, nfd), 'summary v1\n');
      await writeFile(path.join(folder, 'plain.txt'), 'plain\n');
      const r = await n.notarize({ inputs: [folder], title: 'Unicode names' }, { passphrase: TEST_PASSPHRASE });

      await rename(path.join(folder, nfd), path.join(folder, nfc));
      const report = await n.verify({ receipt: r.receiptPath, inputs: [folder] });
      expect(report.files.map((f) => [f.path.normalize('NFC'), f.status])).toEqual(expect.arrayContaining([[nfc, 'pass'], ['plain.txt', 'pass']]));
      expect(report.files).toHaveLength(2);
      expect(report.ok).toBe(true);

      await writeFile(path.join(folder, nfc), 'summary v2\n');
      const changed = await n.verify({ receipt: r.receiptPath, inputs: [folder] });
      expect(changed.ok).toBe(false);
      expect(changed.files.find((f) => f.path.normalize('NFC') === nfc)?.content.code).toBe('HASH_MISMATCH');
    } finally {
      await n.close();
      await tmp.cleanup();
    }
  }, 120_000);
});
