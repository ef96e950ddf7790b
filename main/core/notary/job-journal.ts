/**
 * The persisted journal of one notarization job, so a job killed at any point (kill -9,
 * power cut, full disk) resumes where it stopped instead of starting over.
 *
 * What it keeps is what a resumed job needs to go on byte-identically: the request and
 * the manifest's creation time (frame 0), then for every file whose encrypted copy is
 * committed to the IPFS store its path, size, modification time, SHA-256, salt and the
 * header and payload CIDs; then the stored manifest and the root. A file recorded here is
 * never encrypted again (no new file key), so the resumed job produces the same leaves,
 * the same manifest digest and the same Merkle root as an uninterrupted one.
 *
 * At rest it is encrypted: salts and file hashes of a private dataset are secret (the
 * salts are what keep its hashes unguessable). Each frame is a complete age v1 file
 * (https://age-encryption.org/v1) for the account's own X25519 recipient, written by the
 * age library; resuming therefore needs the account's passphrase, as notarizing does.
 *
 * File `<jobsDir>/<id>.journal`: frames of [u32 big-endian length][age file]. Appends are
 * fdatasynced before they count. Frame 0 is written to a temporary file renamed into
 * place, so a journal either exists with its request or not at all. A kill during an
 * append leaves a torn last frame: it is ignored on reading and cut off by the next append. Ordering with the IPFS store is the
 * caller's: commit the store first, then append (see prepare.ts), so a recorded file's
 * blocks and pins are always durable.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Decrypter, Encrypter } from 'age-encryption';
import { z } from 'zod';
import { NotariumError } from '../../../shared/errors.ts';
import { asDiskFull } from '../fs/disk-full.ts';
import { FOLDER_MODE, fsyncFolder, writeFileAtomic } from '../fs/durable-files.ts';

const JOB_FORMAT = 'notarium-job/1';
const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/);

/** The request a job carries out, fixed when it starts (frame 0). */
export const jobSpecSchema = z.strictObject({
  format: z.literal(JOB_FORMAT),
  id: z.string().regex(/^[0-9a-f]{16}$/),
  kind: z.literal('notarize'),
  /** Absolute input paths, as collected. */
  inputs: z.array(z.string().min(1)).min(1),
  title: z.string(),
  authors: z.array(z.strictObject({ address: z.string(), name: z.string().optional(), orcid: z.string().optional() })),
  public: z.boolean(),
  recipients: z.array(z.string()),
  supersedes: bytes32,
  /** The manifest's createdAt, unix seconds: fixed so a resumed job builds the same manifest. */
  createdAt: z.number().int().nonnegative(),
  confirmations: z.number().int().nonnegative(),
  /** Absolute receipt path asked for, if any. */
  receiptOut: z.string().optional(),
  /** When the job started, unix seconds. */
  startedAt: z.number().int().nonnegative(),
});
export type JobSpec = z.infer<typeof jobSpecSchema>;

/** One file committed to the IPFS store (blocks and pins durable). */
export const fileRecordSchema = z.strictObject({
  t: z.literal('file'),
  /** Dataset-relative path, as in the manifest. */
  path: z.string().min(1),
  /** Bytes. */
  size: z.number().int().nonnegative(),
  /** Source modification time at collection, ms since the epoch. */
  mtimeMs: z.number(),
  sha256: bytes32,
  salt: bytes32,
  headerCid: z.string().min(1),
  payloadCid: z.string().min(1),
});
export type FileRecord = z.infer<typeof fileRecordSchema>;

/** The encrypted manifest is stored (and committed), and the root it gives. */
export const manifestRecordSchema = z.strictObject({
  t: z.literal('manifest'),
  manifestDigest: bytes32,
  manifestHeaderCid: z.string().min(1),
  manifestPayloadCid: z.string().min(1),
  root: bytes32,
});
export type ManifestRecord = z.infer<typeof manifestRecordSchema>;

const recordSchema = z.discriminatedUnion('t', [fileRecordSchema, manifestRecordSchema]);
export type JournalRecord = z.infer<typeof recordSchema>;

/**
 * What stays of a finished job for a while (`<id>.done`, one encrypted frame): its request,
 * root and a digest of the inputs it notarized, so running the same command again on the
 * same, unchanged files — e.g. after a kill between the job's end and the process's exit —
 * returns that notarization instead of anchoring the data a second time.
 */
export const finishedJobSchema = z.strictObject({
  t: z.literal('finished'),
  spec: jobSpecSchema,
  root: bytes32,
  /** inputsDigest() of the files notarized. */
  inputsDigest: bytes32,
  /** Unix seconds. */
  finishedAt: z.number().int().nonnegative(),
});
export type FinishedJob = z.infer<typeof finishedJobSchema>;

/** How long a finished job is remembered, seconds. */
export const FINISHED_JOB_KEPT_SECONDS = 7 * 24 * 3600;

const frameSchema = z.union([jobSpecSchema, z.array(recordSchema), finishedJobSchema]);

/**
 * SHA-256 (0x-hex) of the sorted (path, size, mtimeMs) of `files`: equal for the same
 * files, unchanged. Paths are dataset-relative, sizes bytes, times ms since the epoch.
 */
export function inputsDigest(files: Iterable<{ path: string; size: number; mtimeMs: number }>): string {
  const rows = Array.from(files, (f) => ({ path: f.path, size: f.size, mtimeMs: f.mtimeMs })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sortedInputsDigest(rows);
}

/**
 * inputsDigest of files already sorted by path (code-unit order, as sortFiles sorts the
 * manifest): the same digest, hashed row by row, so 100,000 files need neither a sorted copy
 * nor the ~5 MB JSON text of JSON.stringify(rows) at once.
 */
export function sortedInputsDigest(files: Iterable<{ path: string; size: number; mtimeMs: number }>): string {
  // JSON.stringify of an array of [path, size, mtimeMs] rows, one row at a time.
  const hash = createHash('sha256').update('[');
  let first = true;
  for (const f of files) {
    hash.update(`${first ? '' : ','}${JSON.stringify([f.path, f.size, f.mtimeMs])}`, 'utf8');
    first = false;
  }
  return `0x${hash.update(']').digest('hex')}`;
}

/** Largest frame accepted when reading, bytes (a frame of 100,000 file records is ~25 MB). */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** A notarization job journal; see the module comment. Create with `create` or `load`. */
export class JobJournal {
  readonly file: string;
  readonly spec: JobSpec;
  readonly #recipient: string;
  /** Files an earlier run committed (as loaded from the journal), by dataset-relative path. */
  readonly files = new Map<string, FileRecord>();
  #manifest: ManifestRecord | undefined;
  /** The inputs digest fixed by releaseFiles (then `files` is empty). */
  #inputsDigest: string | undefined;
  /** Length of the valid prefix of the file, bytes (a torn tail lies beyond). */
  #validBytes: number;
  #appending: Promise<void> = Promise.resolve();
  /** True once this process appended file records (not kept in `files`: see #append). */
  #appendedFiles = false;

  private constructor(file: string, spec: JobSpec, recipient: string, validBytes: number) {
    this.file = file;
    this.spec = spec;
    this.#recipient = recipient;
    this.#validBytes = validBytes;
  }

  /** The committed manifest record, if the job got that far. */
  get manifest(): ManifestRecord | undefined {
    return this.#manifest;
  }

  /**
   * Starts a new journal in `jobsDir` (created 0700) for `spec` (its `format` and `id`
   * are filled in), encrypted to `recipient` (age1...).
   *
   * @throws NotariumError('DISK_FULL') or the fs error if it cannot be written.
   */
  static async create(jobsDir: string, spec: Omit<JobSpec, 'format' | 'id'>, recipient: string): Promise<JobJournal> {
    await mkdir(jobsDir, { recursive: true, mode: FOLDER_MODE });
    const full: JobSpec = jobSpecSchema.parse({ format: JOB_FORMAT, id: randomBytes(8).toString('hex'), ...spec });
    const file = path.join(jobsDir, `${full.id}.journal`);
    const journal = new JobJournal(file, full, recipient, 0);
    try {
      const frame = await encryptFrame(full, recipient);
      // Temp + rename: a kill here leaves either no journal or a whole first frame, never a
      // torn one that no later run could read (and so would never remove).
      await writeFileAtomic(file, frame, 'fsync');
      await fsyncFolder(jobsDir);
      journal.#validBytes = frame.length;
    } catch (error) {
      await unlink(file).catch(() => undefined);
      throw asDiskFull(error, jobsDir);
    }
    return journal;
  }

  /**
   * Every readable journal in `jobsDir`, opened with `identity` (AGE-SECRET-KEY-1...);
   * `recipient` is the identity's recipient, for later appends. Journals that are not
   * this account's (cannot be decrypted) or whose first frame is torn are skipped.
   *
   * @throws the fs error if the folder exists but cannot be read.
   */
  static async loadAll(jobsDir: string, identity: string, recipient: string): Promise<JobJournal[]> {
    let all: string[];
    try {
      all = await readdir(jobsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    await removeStaleTemporaries(jobsDir, all);
    const journals: JobJournal[] = [];
    for (const name of all.filter((n) => n.endsWith('.journal')).sort()) {
      const journal = await JobJournal.#load(path.join(jobsDir, name), identity, recipient);
      if (journal !== undefined) journals.push(journal);
    }
    return journals;
  }

  static async #load(file: string, identity: string, recipient: string): Promise<JobJournal | undefined> {
    const bytes = await readFile(file);
    if (bytes.length < 4 || 4 + bytes.readUInt32BE(0) > bytes.length) {
      // A first frame cut short: written by a version that created journals in place and
      // killed while doing so. Nothing was recorded in it; no account can ever read it.
      await unlink(file).catch(() => undefined);
      return undefined;
    }
    const frames: unknown[] = [];
    let offset = 0;
    while (offset + 4 <= bytes.length) {
      const length = bytes.readUInt32BE(offset);
      if (length > MAX_FRAME_BYTES || offset + 4 + length > bytes.length) break;
      try {
        frames.push(await decryptFrame(bytes.subarray(offset + 4, offset + 4 + length), identity));
      } catch {
        break;
      }
      offset += 4 + length;
    }
    const first = jobSpecSchema.safeParse(frames[0]);
    if (!first.success) return undefined;
    const journal = new JobJournal(file, first.data, recipient, offset);
    for (const frame of frames.slice(1)) {
      const records = z.array(recordSchema).safeParse(frame);
      if (!records.success) break;
      for (const r of records.data) journal.#apply(r);
    }
    return journal;
  }

  #apply(record: JournalRecord): void {
    if (record.t !== 'file') this.#manifest = record;
    else if (this.#inputsDigest === undefined) this.files.set(record.path, record);
  }

  /**
   * Drops the per-file records from memory once this job looks no file up any more (its
   * manifest is stored): for 100,000 files they are tens of MB, held otherwise until the
   * anchor is confirmed. The journal file keeps them; loading it again reads them back.
   * @param digest inputsDigest() of the files the job notarized, recorded by finish().
   */
  releaseFiles(digest: string): void {
    this.#inputsDigest = digest;
    this.files.clear();
  }

  /**
   * Appends `records` as one frame and makes it durable; appends run one at a time.
   * Call only for what is already committed elsewhere (see the module comment).
   *
   * @throws NotariumError('DISK_FULL') or the fs error; the journal is unchanged then
   *   (a partial frame is cut off by the next append).
   */
  append(records: readonly JournalRecord[]): Promise<void> {
    const run = this.#appending.then(() => this.#append(records));
    this.#appending = run.catch(() => undefined);
    return run;
  }

  async #append(records: readonly JournalRecord[]): Promise<void> {
    if (records.length === 0) return;
    const frame = await encryptFrame(records, this.#recipient);
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.file, 'r+');
      // Cut a torn frame left by a kill during an earlier append.
      await handle.truncate(this.#validBytes);
      await handle.write(frame, 0, frame.length, this.#validBytes);
      await handle.datasync();
    } catch (error) {
      throw asDiskFull(error, path.dirname(this.file));
    } finally {
      await handle?.close();
    }
    this.#validBytes += frame.length;
    // File records appended now are not kept in `files`: that map serves the lookups of a
    // resumed job (what an earlier run stored), and the caller holds what it appends.
    for (const r of records) {
      if (r.t === 'file') this.#appendedFiles = true;
      else this.#apply(r);
    }
  }

  /**
   * Records that the job finished with `root` (a small `<id>.done` file, encrypted like the
   * journal), then deletes the journal. See finishedJobSchema.
   * @throws NotariumError('DISK_FULL') or the fs error writing the record; ('INTERNAL') when file
   *   records were appended in this run and releaseFiles was not called (their digest is needed).
   */
  async finish(root: string, now: number = Math.floor(Date.now() / 1000)): Promise<void> {
    if (this.#inputsDigest === undefined && this.#appendedFiles) {
      throw new NotariumError('INTERNAL', 'A job that recorded files in this run must call releaseFiles(inputsDigest) before finish.');
    }
    const record: FinishedJob = { t: 'finished', spec: this.spec, root, inputsDigest: this.#inputsDigest ?? inputsDigest(this.files.values()), finishedAt: now };
    const frame = await encryptFrame(record, this.#recipient);
    try {
      await writeFileAtomic(this.file.replace(/\.journal$/, '.done'), frame, 'fsync');
    } catch (error) {
      throw asDiskFull(error, path.dirname(this.file));
    }
    await this.remove();
  }

  /**
   * Finished jobs of this account remembered in `jobsDir` (see finish); records older than
   * FINISHED_JOB_KEPT_SECONDS are deleted on the way.
   */
  static async loadFinished(jobsDir: string, identity: string, now: number = Math.floor(Date.now() / 1000)): Promise<FinishedJob[]> {
    const names = await readdir(jobsDir).catch(() => [] as string[]);
    const out: FinishedJob[] = [];
    for (const name of names.filter((n) => n.endsWith('.done'))) {
      const file = path.join(jobsDir, name);
      try {
        const bytes = await readFile(file);
        const record = finishedJobSchema.parse(await decryptFrame(bytes.subarray(4, 4 + bytes.readUInt32BE(0)), identity));
        if (now - record.finishedAt > FINISHED_JOB_KEPT_SECONDS) await unlink(file).catch(() => undefined);
        else out.push(record);
      } catch {
        // another account's, or torn: not ours to use
      }
    }
    return out;
  }

  /** Deletes the journal (the job is finished). Missing already is fine. */
  async remove(): Promise<void> {
    await unlink(this.file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
}

/** Temporaries of journals being created (see create) older than this were left by a kill. */
const STALE_TEMPORARY_MS = 10 * 60 * 1000;

/** Deletes, among `names` (the entries of `jobsDir`), journal temporaries older than STALE_TEMPORARY_MS. */
async function removeStaleTemporaries(jobsDir: string, names: readonly string[]): Promise<void> {
  for (const name of names.filter((n) => /\.journal\.[0-9a-f]+\.tmp$/.test(n))) {
    const file = path.join(jobsDir, name);
    const info = await stat(file).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > STALE_TEMPORARY_MS) await unlink(file).catch(() => undefined);
  }
}

async function encryptFrame(value: unknown, recipient: string): Promise<Buffer> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  const sealed = await encrypter.encrypt(JSON.stringify(value));
  const frame = Buffer.alloc(4 + sealed.length);
  frame.writeUInt32BE(sealed.length, 0);
  frame.set(sealed, 4);
  return frame;
}

async function decryptFrame(sealed: Uint8Array, identity: string): Promise<unknown> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  const parsed = frameSchema.safeParse(JSON.parse(await decrypter.decrypt(sealed, 'text')));
  if (!parsed.success) throw new NotariumError('INVALID_INPUT', 'job journal frame has an unknown shape');
  return parsed.data;
}
