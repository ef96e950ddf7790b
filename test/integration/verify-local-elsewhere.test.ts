/**
 * A receipt anchored on a LOCAL devnet, verified on another machine (another data folder,
 * so another devnet): the anchor cannot be found there. That is "not checked here"
 * (incomplete, exit 3 in the CLI), not a failed verification; tampered files still fail.
 */
import { describe, expect, it } from 'vitest';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Notarium } from '../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

describe('a local-devnet receipt verified on another machine', () => {
  it('reports the chain as not checkable there (not a failure); changed content still fails', async () => {
    const tmp = await tempDir();
    const lab = await Notarium.open({ dataDir: path.join(tmp.dir, 'lab'), scryptN: TEST_SCRYPT_N });
    // A verifier with an account (its own, empty devnet) and one that never made a data folder.
    const office = await Notarium.open({ dataDir: path.join(tmp.dir, 'ip-office'), scryptN: TEST_SCRYPT_N });
    const clerk = await Notarium.open({ dataDir: path.join(tmp.dir, 'clerk'), scryptN: TEST_SCRYPT_N });
    try {
      await lab.init(TEST_PASSPHRASE);
      await office.init(TEST_PASSPHRASE);
      const folder = path.join(tmp.dir, 'study');
      await mkdir(folder);
      await writeFile(path.join(folder, 'cohort.csv'), 'subject,age\nS1,42\n');
      const r = await lab.notarize({ inputs: [folder], title: 'Local only' }, { passphrase: TEST_PASSPHRASE });

      const there = await office.verify({ receipt: r.receiptPath, inputs: [folder] });
      expect(there.ok).toBe(false);
      expect(there.incomplete).toBe(true);
      expect(there.checks.chain.status).toBe('skipped');
      expect(there.checks.chain.message).toMatch(/LOCAL devnet: only the data folder that made it holds that chain/);
      expect(there.summary).toMatch(/^Could not check the chain/);
      // Without a data folder: the same verdict, and no folder (no devnet) is made for it.
      const clerkView = await clerk.verify({ receipt: r.receiptPath, inputs: [folder] });
      expect({ ok: clerkView.ok, incomplete: clerkView.incomplete, chain: clerkView.checks.chain.status }).toEqual({ ok: false, incomplete: true, chain: 'skipped' });
      expect(clerkView.checks.chain.message).toMatch(/holds no devnet\. This receipt was anchored on a LOCAL devnet/);
      expect(clerkView.summary).not.toMatch(/\)\.\)|\.\./);
      await expect(stat(path.join(tmp.dir, 'clerk'))).rejects.toMatchObject({ code: 'ENOENT' });
      // At home the same receipt verifies with the chain.
      expect((await lab.verify({ receipt: r.receiptPath, inputs: [folder] })).ok).toBe(true);

      await writeFile(path.join(folder, 'cohort.csv'), 'subject,age\nS1,43\n');
      const changed = await office.verify({ receipt: r.receiptPath, inputs: [folder] });
      expect(changed.ok).toBe(false);
      // A failed file is a failed verification (NOT VERIFIED, exit 1), chain or no chain.
      expect(changed.incomplete).toBe(false);
      expect(changed.summary).toMatch(/^1 file does not match/);
    } finally {
      await Promise.all([lab.close(), office.close(), clerk.close()]);
      await tmp.cleanup();
    }
  }, 180_000);
});
