/**
 * Where the subjects of a dataset come from: a list file (one id per line), a column of a
 * CSV file, or the sample ids of a VCF file (the `#CHROM` header line, VCF 4.x §1.5).
 * Files are streamed, so a large VCF or CSV costs little memory.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { parse } from 'csv-parse';

import { subjectIdSchema } from '../../../shared/api/consent-schemas.ts';
import { NotariumError } from '../../../shared/errors.ts';
import type { ImportProblem } from './record.ts';

/** Subject ids read from a source, in first-seen order, without duplicates. */
export interface SubjectList {
  subjects: string[];
  /** Rows or lines read (a subject may appear on several rows). */
  rows: number;
}

async function statOrThrow(file: string): Promise<void> {
  const fh = await open(file, 'r').catch((cause: unknown) => {
    throw new NotariumError('NOT_FOUND', `Cannot open ${file}: ${(cause as Error).message}`, { cause, details: { file } });
  });
  await fh.close();
}

/** A text stream of `file`, gunzipped when it starts with the gzip magic (.vcf.gz, bgzip). */
export async function openText(file: string): Promise<Readable> {
  await statOrThrow(file);
  const fh = await open(file, 'r');
  const magic = Buffer.alloc(2);
  await fh.read(magic, 0, 2, 0);
  await fh.close();
  const raw = createReadStream(file);
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    return raw.pipe(gunzip);
  }
  return raw;
}

/** The delimiter of a delimited text file by its extension: tab for .tsv/.tab, else comma. */
export function delimiterFor(file: string): string {
  return /\.(tsv|tab)$/i.test(file) ? '\t' : ',';
}

function checkId(id: string, where: string, problems: ImportProblem[]): string | undefined {
  const r = subjectIdSchema.safeParse(id);
  if (!r.success) {
    problems.push({ location: where, message: r.error.issues[0]?.message ?? 'bad subject id' });
    return undefined;
  }
  return r.data;
}

function done(problems: ImportProblem[], file: string): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 20).map((p) => `  - ${p.location}: ${p.message}`);
  throw new NotariumError('INVALID_INPUT', `${path.basename(file)} has ${problems.length} problem(s):\n${shown.join('\n')}${problems.length > 20 ? '\n  …' : ''}`, {
    details: { file, problems: problems.slice(0, 1000) },
  });
}

/**
 * Subject ids from a text file, one per line (blank lines and `#` comments skipped).
 * @throws NotariumError('NOT_FOUND') for a missing file; ('INVALID_INPUT') listing bad lines.
 */
export async function subjectsFromList(file: string): Promise<SubjectList> {
  const stream = await openText(file);
  const seen = new Set<string>();
  const problems: ImportProblem[] = [];
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    const t = text.trim();
    if (t === '' || t.startsWith('#')) continue;
    const id = checkId(t, `line ${line}`, problems);
    if (id !== undefined) seen.add(id);
  }
  done(problems, file);
  return { subjects: [...seen], rows: line };
}

/**
 * Finds `column` in a CSV header (exact, else case-insensitive).
 * @throws NotariumError('INVALID_INPUT') naming the columns there are.
 */
export function columnIndex(header: readonly string[], column: string, file: string): number {
  let i = header.indexOf(column);
  if (i < 0) i = header.findIndex((h) => h.trim().toLowerCase() === column.trim().toLowerCase());
  if (i < 0) throw new NotariumError('INVALID_INPUT', `${path.basename(file)} has no column "${column}"; its columns are: ${header.join(', ')}.`, { details: { file, column, columns: header } });
  return i;
}

/**
 * Subject ids from `column` of a CSV (comma; tab for .tsv) file with a header row.
 * @throws NotariumError('NOT_FOUND'), ('INVALID_INPUT') for a missing column, empty ids or malformed CSV.
 */
export async function subjectsFromCsv(file: string, column: string): Promise<SubjectList> {
  const stream = await openText(file);
  const parser = stream.pipe(parse({ bom: true, delimiter: delimiterFor(file), skip_empty_lines: true, info: true }));
  stream.on('error', (e) => parser.destroy(e));
  const seen = new Set<string>();
  const problems: ImportProblem[] = [];
  let index = -1;
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (index < 0) {
        index = columnIndex(record, column, file);
        continue;
      }
      rows++;
      const id = checkId(record[index] ?? '', `line ${info.lines}, column ${column}`, problems);
      if (id !== undefined) seen.add(id);
    }
  } catch (cause) {
    if (cause instanceof NotariumError) throw cause;
    throw new NotariumError('INVALID_INPUT', `${path.basename(file)} is not valid CSV: ${(cause as Error).message}`, { cause, details: { file } });
  }
  if (index < 0) throw new NotariumError('INVALID_INPUT', `${path.basename(file)} is empty: no header row.`, { details: { file } });
  done(problems, file);
  return { subjects: [...seen], rows };
}

/** The header of a VCF: its meta lines (`##…`), the `#CHROM` line's columns and sample ids. */
export interface VcfHeader {
  meta: string[];
  columns: string[];
  samples: string[];
}

/**
 * Reads a VCF header from `lines` (consuming it up to the `#CHROM` line).
 * @throws NotariumError('INVALID_INPUT') when it is not a VCF.
 */
export async function readVcfHeader(lines: AsyncIterator<string>, file: string): Promise<VcfHeader> {
  const meta: string[] = [];
  for (;;) {
    const next = await lines.next();
    if (next.done === true) break;
    const line = next.value;
    if (meta.length === 0 && !line.startsWith('##fileformat=VCF')) break;
    if (line.startsWith('##')) {
      meta.push(line);
      continue;
    }
    if (line.startsWith('#CHROM')) {
      const columns = line.split('\t');
      if (columns.length > 9 && columns[8] !== 'FORMAT') break;
      return { meta, columns, samples: columns.slice(9) };
    }
    break;
  }
  throw new NotariumError('INVALID_INPUT', `${path.basename(file)} is not a VCF file (no ##fileformat=VCF line followed by a #CHROM header).`, { details: { file } });
}

/**
 * The sample ids of a VCF (plain or gzip/bgzip) file.
 * @throws NotariumError('NOT_FOUND'), ('INVALID_INPUT') when it is not a VCF or a sample id is invalid or repeated.
 */
export async function vcfSamples(file: string): Promise<SubjectList> {
  const stream = await openText(file);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    const header = await readVcfHeader(rl[Symbol.asyncIterator](), file);
    const problems: ImportProblem[] = [];
    const seen = new Set<string>();
    header.samples.forEach((s, i) => {
      const id = checkId(s, `sample column ${i + 10}`, problems);
      if (id === undefined) return;
      if (seen.has(id)) problems.push({ location: `sample column ${i + 10}`, message: `sample ${id} appears twice` });
      seen.add(id);
    });
    done(problems, file);
    return { subjects: [...seen], rows: header.samples.length };
  } finally {
    rl.close();
    stream.destroy();
  }
}
