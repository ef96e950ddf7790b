/**
 * Eligible subsets: a copy of a CSV or VCF file keeping only the allowed subjects' rows
 * (CSV) or sample columns (VCF), streamed, written to a temporary file and renamed into
 * place so a failure leaves no partial output.
 *
 * VCF: cohort-level INFO fields computed from the genotypes are recomputed over the kept
 * samples so they reveal nothing about the dropped ones: AC, AN, AF (= AC/AN), NS, and DP
 * (sum of the samples' FORMAT DP). When FORMAT has no GT (or no DP), those fields are
 * removed instead. Other INFO fields are kept as they are (see docs/CONSENT.md §4).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';

import { NotariumError } from '../../../shared/errors.ts';
import { columnIndex, delimiterFor, openText, readVcfHeader } from './sources.ts';

export interface SubsetResult {
  out: string;
  /** CSV rows or VCF samples kept / dropped. */
  kept: number;
  dropped: number;
  /** Distinct subjects kept, in file order. */
  keptSubjects: string[];
  /** SHA-256 of the written file (bytes32). */
  sha256: string;
  bytes: number;
}

/** SHA-256 (bytes32) of a file's bytes. */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return `0x${h.digest('hex')}`;
}

async function ensureAbsent(out: string): Promise<void> {
  if (await stat(out).then(() => true, () => false)) throw new NotariumError('ALREADY_EXISTS', `${out} already exists; choose another output file.`, { details: { out } });
}

/** Writes via `produce` (which must end the sink) into a temp file next to `out`, then renames it into place. */
async function writeAtomically(out: string, produce: (sink: Writable) => Promise<void>): Promise<void> {
  await ensureAbsent(out);
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${randomUUID()}.tmp`);
  try {
    const sink = new PassThrough();
    const file = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    const done = /\.gz$/i.test(out) ? pipeline(sink, createGzip(), file) : pipeline(sink, file);
    try {
      await produce(sink);
    } catch (e) {
      sink.destroy(e as Error);
      await done.catch(() => undefined);
      throw e;
    }
    await done;
    await ensureAbsent(out);
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function write(sink: Writable, text: string): Promise<void> {
  if (!sink.write(text)) await new Promise<void>((resolve, reject) => {
    sink.once('drain', resolve);
    sink.once('error', reject);
  });
}

async function finish(out: string, kept: number, dropped: number, keptSubjects: Set<string>): Promise<SubsetResult> {
  return { out, kept, dropped, keptSubjects: [...keptSubjects], sha256: await sha256File(out), bytes: (await stat(out)).size };
}

/**
 * Copies the CSV `input` to `out` keeping the header and the rows whose `column` is an
 * allowed subject. Same delimiter (comma, tab for .tsv); fields are re-quoted only where needed.
 * @throws NotariumError('NOT_FOUND'), ('INVALID_INPUT') for a missing column or malformed CSV,
 *   ('ALREADY_EXISTS') when `out` exists.
 */
export async function csvSubset(input: string, column: string, allowed: ReadonlySet<string>, out: string): Promise<SubsetResult> {
  let kept = 0;
  let dropped = 0;
  const keptSubjects = new Set<string>();
  const delimiter = delimiterFor(input);
  await writeAtomically(out, async (sink) => {
    const source = await openText(input);
    const parser = source.pipe(parse({ bom: true, delimiter, skip_empty_lines: true }));
    source.on('error', (e) => parser.destroy(e));
    let index = -1;
    async function* rows(): AsyncGenerator<string[]> {
      try {
        for await (const record of parser as AsyncIterable<string[]>) {
          if (index < 0) {
            index = columnIndex(record, column, input);
            yield record;
            continue;
          }
          const id = (record[index] ?? '').trim();
          if (allowed.has(id)) {
            kept++;
            keptSubjects.add(id);
            yield record;
          } else {
            dropped++;
          }
        }
      } catch (cause) {
        if (cause instanceof NotariumError) throw cause;
        throw new NotariumError('INVALID_INPUT', `${path.basename(input)} is not valid CSV: ${(cause as Error).message}`, { cause });
      }
    }
    await pipeline(Readable.from(rows()), stringify({ delimiter }), sink);
  });
  return finish(out, kept, dropped, keptSubjects);
}

const fmt = (x: number): string => String(Number(x.toPrecision(6)));

/** INFO of a VCF data line with the cohort-level fields recomputed over the kept samples. */
export function recomputeInfo(info: string, format: string, samples: readonly string[], altCount: number): string {
  const keys = format.split(':');
  const gt = keys.indexOf('GT');
  const dp = keys.indexOf('DP');
  let an = 0;
  let ns = 0;
  let depth = 0;
  const ac = new Array<number>(altCount).fill(0);
  for (const s of samples) {
    const fields = s.split(':');
    if (gt >= 0) {
      let called = false;
      for (const a of (fields[gt] ?? '.').split(/[|/]/)) {
        if (a === '.' || a === '') continue;
        const k = Number(a);
        if (!Number.isInteger(k)) continue;
        called = true;
        an++;
        if (k > 0 && k <= altCount) ac[k - 1] = (ac[k - 1] ?? 0) + 1;
      }
      if (called) ns++;
    }
    if (dp >= 0) {
      const d = Number(fields[dp]);
      if (Number.isFinite(d)) depth += d;
    }
  }
  const out: string[] = [];
  for (const entry of info === '.' ? [] : info.split(';')) {
    const key = entry.split('=', 1)[0];
    if (key === 'AC' || key === 'AN' || key === 'AF' || key === 'NS') {
      if (gt < 0) continue;
      if (key === 'AC') out.push(`AC=${altCount === 0 ? '.' : ac.join(',')}`);
      else if (key === 'AN') out.push(`AN=${an}`);
      else if (key === 'NS') out.push(`NS=${ns}`);
      else out.push(`AF=${altCount === 0 ? '.' : ac.map((c) => (an === 0 ? '.' : fmt(c / an))).join(',')}`);
    } else if (key === 'DP') {
      if (dp >= 0) out.push(`DP=${depth}`);
    } else {
      out.push(entry);
    }
  }
  return out.length === 0 ? '.' : out.join(';');
}

/**
 * Copies the VCF `input` (plain or gzip) to `out` (gzip when it ends in .gz) keeping only
 * the allowed samples' columns, recording the derivation in a `##notarium_subset` line.
 * @throws NotariumError('NOT_FOUND'), ('INVALID_INPUT') for a malformed VCF, ('ALREADY_EXISTS').
 */
export async function vcfSubset(input: string, allowed: ReadonlySet<string>, out: string, note: string): Promise<SubsetResult> {
  let kept = 0;
  let dropped = 0;
  const keptSubjects = new Set<string>();
  await writeAtomically(out, async (sink) => {
    const source = await openText(input);
    const rl = createInterface({ input: source, crlfDelay: Infinity });
    try {
      const lines = rl[Symbol.asyncIterator]();
      const header = await readVcfHeader(lines, input);
      const keep = header.samples.map((s, i) => (allowed.has(s) ? i + 9 : -1)).filter((i) => i >= 0);
      kept = keep.length;
      dropped = header.samples.length - kept;
      for (const i of keep) keptSubjects.add(header.columns[i] as string);
      for (const m of header.meta) await write(sink, `${m.startsWith('##samples=') ? `##samples=${kept}` : m}\n`);
      await write(sink, `##notarium_subset=<${note.replace(/[\r\n>]/g, ' ')}>\n`);
      await write(sink, `${[...header.columns.slice(0, 9), ...keep.map((i) => header.columns[i])].join('\t')}\n`);
      let lineNo = header.meta.length + 1;
      for (;;) {
        const next = await lines.next();
        if (next.done === true) break;
        lineNo++;
        const line = next.value;
        if (line === '') continue;
        const cols = line.split('\t');
        if (cols.length !== header.columns.length) {
          throw new NotariumError('INVALID_INPUT', `${path.basename(input)} line ${lineNo} has ${cols.length} columns, not ${header.columns.length}.`, { details: { line: lineNo } });
        }
        const samples = keep.map((i) => cols[i] as string);
        const alt = cols[4] ?? '.';
        const info = recomputeInfo(cols[7] ?? '.', cols[8] ?? '', samples, alt === '.' ? 0 : alt.split(',').length);
        await write(sink, `${[...cols.slice(0, 7), info, cols[8], ...samples].join('\t')}\n`);
      }
    } finally {
      rl.close();
      source.destroy();
    }
    sink.end();
  });
  return finish(out, kept, dropped, keptSubjects);
}
