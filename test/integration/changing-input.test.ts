import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { utimesSync } from 'node:fs';
import path from 'node:path';
import { Notarium } from '../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

describe('a source file that changes during notarization', () => {
  it('is flagged (modification time changed), and no dataset is recorded', async () => {
    const tmp = await tempDir();
    const n = await Notarium.open({ dataDir: path.join(tmp.dir, 'data'), scryptN: TEST_SCRYPT_N });
    try {
      await n.init(TEST_PASSPHRASE);
      const folder = path.join(tmp.dir, 'ds');
      await mkdir(folder);
      const file = path.join(folder, 'growing.bin');
      await writeFile(file, Buffer.alloc(8 << 20, 1));
      let touched = false;
      const attempt = n.notarize({ inputs: [folder], title: 'x' }, {
        passphrase: TEST_PASSPHRASE,
        onProgress: () => {
          if (touched) return;
          touched = true;
          // Same size, new content time: what an instrument appending in place looks like.
          const later = new Date(Date.now() + 60_000);
          utimesSync(file, later, later);
        },
      });
      await expect(attempt).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { path: 'growing.bin' } });
      expect(touched).toBe(true);
      expect(n.datasets()).toEqual([]);
    } finally {
      await n.close();
      await tmp.cleanup();
    }
  });
});
