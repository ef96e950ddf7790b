import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendFile, readdir, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { FINISHED_JOB_KEPT_SECONDS, inputsDigest, JobJournal, type FileRecord, type JobSpec, sortedInputsDigest } from '../../../main/core/notary/job-journal.ts';
import { tempDir } from '../../helpers/tmp.ts';

const spec: Omit<JobSpec, 'format' | 'id'> = {
  kind: 'notarize',
  inputs: ['/data/cohort-7'],
  title: 'Cohort 7 imaging',
  authors: [{ address: '0x00000000000000000000000000000000000000aa', name: 'A. Author' }],
  public: false,
  recipients: [],
  supersedes: `0x${'0'.repeat(64)}`,
  createdAt: 1_790_000_000,
  confirmations: 1,
  startedAt: 1_790_000_000,
};

function fileRecord(i: number): FileRecord {
  return {
    t: 'file',
    path: `scans/patient-${i}.dcm`,
    size: 1000 + i,
    mtimeMs: 1_790_000_000_000 + i,
    sha256: `0x${String(i).padStart(2, '0').repeat(32)}`,
    salt: `0x${'ab'.repeat(32)}`,
    headerCid: `bafkreiheader${i}`,
    payloadCid: `bafkreipayload${i}`,
  };
}

async function keys(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

describe('JobJournal', () => {
  it('keeps the request and committed files across a reload, encrypted at rest', async () => {
    const tmp = await tempDir();
    try {
      const k = await keys();
      const jobs = path.join(tmp.dir, 'jobs');
      const journal = await JobJournal.create(jobs, spec, k.recipient);
      await journal.append([fileRecord(1), fileRecord(2)]);
      await journal.append([fileRecord(3)]);
      await journal.append([{ t: 'manifest', manifestDigest: `0x${'cd'.repeat(32)}`, manifestHeaderCid: 'bafkreimh', manifestPayloadCid: 'bafkreimp', root: `0x${'ef'.repeat(32)}` }]);

      const [loaded, ...others] = await JobJournal.loadAll(jobs, k.identity, k.recipient);
      expect(others).toEqual([]);
      expect(loaded?.spec).toEqual(journal.spec);
      expect([...(loaded?.files.values() ?? [])]).toEqual([fileRecord(1), fileRecord(2), fileRecord(3)]);
      expect(loaded?.manifest?.root).toBe(`0x${'ef'.repeat(32)}`);
      // Salts, hashes, paths and the title never reach the disk in clear.
      const raw = (await readFile(journal.file)).toString('latin1');
      for (const secret of ['abababab', 'patient-1', 'Cohort 7', '0101010101', 'bafkreiheader']) expect(raw).not.toContain(secret);
      expect((await stat(journal.file)).mode & 0o077).toBe(0);
    } finally {
      await tmp.cleanup();
    }
  });

  it('ignores a torn last frame (a kill during an append) and cuts it off on the next append', async () => {
    const tmp = await tempDir();
    try {
      const k = await keys();
      const jobs = path.join(tmp.dir, 'jobs');
      const journal = await JobJournal.create(jobs, spec, k.recipient);
      await journal.append([fileRecord(1)]);
      const whole = (await stat(journal.file)).size;
      await journal.append([fileRecord(2)]);
      // The second frame lost its last 10 bytes.
      await truncate(journal.file, (await stat(journal.file)).size - 10);
      const [torn] = await JobJournal.loadAll(jobs, k.identity, k.recipient);
      expect([...(torn?.files.keys() ?? [])]).toEqual(['scans/patient-1.dcm']);
      await torn?.append([fileRecord(3)]);
      const [again] = await JobJournal.loadAll(jobs, k.identity, k.recipient);
      expect([...(again?.files.keys() ?? [])]).toEqual(['scans/patient-1.dcm', 'scans/patient-3.dcm']);
      expect((await stat(journal.file)).size).toBeGreaterThan(whole);
      // Garbage after the frames (a torn length prefix) is ignored too.
      await appendFile(journal.file, Buffer.from([0, 0]));
      const [garbage] = await JobJournal.loadAll(jobs, k.identity, k.recipient);
      expect(garbage?.files.size).toBe(2);
    } finally {
      await tmp.cleanup();
    }
  });

  it('a journal whose first frame was cut short (a kill while it was created in place) is removed; stale temporaries too', async () => {
    const tmp = await tempDir();
    try {
      const k = await keys();
      const jobs = path.join(tmp.dir, 'jobs');
      const journal = await JobJournal.create(jobs, spec, k.recipient);
      const whole = await readFile(journal.file);
      // No temporary is left by a create that finished.
      expect((await readdir(jobs)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      const torn = path.join(jobs, '0123456789abcdef.journal');
      await writeFile(torn, whole.subarray(0, whole.length - 7));
      const stale = path.join(jobs, '0123456789abcdef.journal.a1b2c3.tmp');
      const fresh = path.join(jobs, 'fedcba9876543210.journal.d4e5f6.tmp');
      await writeFile(stale, whole.subarray(0, 9));
      await writeFile(fresh, whole.subarray(0, 9));
      const old = new Date(Date.now() - 3_600_000);
      await utimes(stale, old, old);

      const loaded = await JobJournal.loadAll(jobs, k.identity, k.recipient);
      expect(loaded.map((j) => j.file)).toEqual([journal.file]);
      // The torn journal and the old temporary are gone; a recent temporary (maybe another
      // process creating its journal right now) is left alone.
      expect((await readdir(jobs)).sort()).toEqual([path.basename(journal.file), path.basename(fresh)].sort());
    } finally {
      await tmp.cleanup();
    }
  });

  it("skips journals another account wrote, and removes a finished one", async () => {
    const tmp = await tempDir();
    try {
      const mine = await keys();
      const theirs = await keys();
      const jobs = path.join(tmp.dir, 'jobs');
      await JobJournal.create(jobs, { ...spec, title: 'theirs' }, theirs.recipient);
      const journal = await JobJournal.create(jobs, spec, mine.recipient);
      const loaded = await JobJournal.loadAll(jobs, mine.identity, mine.recipient);
      expect(loaded.map((j) => j.spec.title)).toEqual(['Cohort 7 imaging']);
      await journal.remove();
      expect(await JobJournal.loadAll(jobs, mine.identity, mine.recipient)).toEqual([]);
      expect(await JobJournal.loadAll(path.join(tmp.dir, 'none'), mine.identity, mine.recipient)).toEqual([]);
    } finally {
      await tmp.cleanup();
    }
  });

  it('remembers a finished job (request, root, digest of the inputs) for a week, without its journal', async () => {
    const tmp = await tempDir();
    try {
      const k = await keys();
      const jobs = path.join(tmp.dir, 'jobs');
      const journal = await JobJournal.create(jobs, spec, k.recipient);
      await journal.append([fileRecord(1), fileRecord(2)]);
      const root = `0x${'ef'.repeat(32)}`;
      // Files appended in this run are not kept in memory: their digest must be given first.
      await expect(journal.finish(root, 1_790_000_000)).rejects.toMatchObject({ code: 'INTERNAL' });
      journal.releaseFiles(inputsDigest([fileRecord(1), fileRecord(2)]));
      await journal.finish(root, 1_790_000_000);
      expect(await JobJournal.loadAll(jobs, k.identity, k.recipient)).toEqual([]);
      const [done] = await JobJournal.loadFinished(jobs, k.identity, 1_790_000_000 + 60);
      expect(done?.root).toBe(root);
      expect(done?.spec.title).toBe('Cohort 7 imaging');
      // Same files in any order give the same digest; a changed modification time does not.
      expect(done?.inputsDigest).toBe(inputsDigest([fileRecord(2), fileRecord(1)]));
      expect(done?.inputsDigest).not.toBe(inputsDigest([fileRecord(1), { ...fileRecord(2), mtimeMs: 1 }]));
      // Past the week, it is forgotten and its file deleted.
      expect(await JobJournal.loadFinished(jobs, k.identity, 1_790_000_000 + FINISHED_JOB_KEPT_SECONDS + 1)).toEqual([]);
      expect(await JobJournal.loadFinished(jobs, k.identity, 1_790_000_000)).toEqual([]);
    } finally {
      await tmp.cleanup();
    }
  });

  it('sortedInputsDigest, row by row over files sorted by path, equals inputsDigest of the same files in any order', () => {
    const files = ['b/ü.bin', 'a/🧬 x.csv', 'a/b', 'Z', 'a/\ud800lone'].map((p, i) => ({ path: p, size: i * 7, mtimeMs: 1_790_000_000_000.25 + i }));
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    expect(sortedInputsDigest(sorted)).toBe(inputsDigest(files));
    expect(sortedInputsDigest(sorted)).toBe(`0x${createHash('sha256').update(JSON.stringify(sorted.map((f) => [f.path, f.size, f.mtimeMs]))).digest('hex')}`);
    expect(sortedInputsDigest(sorted.slice(1))).not.toBe(inputsDigest(files));
  });

  it('keeps the file records it appends on disk only, and the digest given for finish', async () => {
    const tmp = await tempDir();
    try {
      const k = await keys();
      const jobs = path.join(tmp.dir, 'jobs');
      const journal = await JobJournal.create(jobs, spec, k.recipient);
      await journal.append([fileRecord(1), fileRecord(2)]);
      expect(journal.files.size).toBe(0);
      const manifest = { t: 'manifest' as const, manifestDigest: `0x${'cd'.repeat(32)}`, manifestHeaderCid: 'bafkreih', manifestPayloadCid: 'bafkreip', root: `0x${'ef'.repeat(32)}` };
      await journal.append([manifest]);
      const digest = inputsDigest([fileRecord(1), fileRecord(2)]);
      journal.releaseFiles(digest);
      expect(journal.files.size).toBe(0);
      expect(journal.manifest).toEqual(manifest);
      // A later load (a resumed job) reads every record back.
      const [again] = await JobJournal.loadAll(jobs, k.identity, k.recipient);
      expect([...(again?.files.values() ?? [])]).toEqual([fileRecord(1), fileRecord(2)]);
      await journal.finish(manifest.root, 1_790_000_000);
      const [done] = await JobJournal.loadFinished(jobs, k.identity, 1_790_000_000);
      expect(done?.inputsDigest).toBe(digest);
    } finally {
      await tmp.cleanup();
    }
  });
});
