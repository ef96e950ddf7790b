/**
 * Disease hierarchy files: tab-separated `term, label, parents` (parents space-separated),
 * `#` comments; the bundled data/diseases.tsv or a user's own (e.g. generated from
 * mondo.obo). Parsed with csv-parse, closed transitively by shared/consent/disease.ts.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { parse } from 'csv-parse/sync';

import { buildDiseaseClosure, normalizeDiseaseId, type DiseaseClosure, type DiseaseTermEntry } from '../../../shared/consent/disease.ts';
import type { ImportProblem } from './record.ts';

/** Path of the bundled hierarchy. */
export const BUNDLED_DISEASES = fileURLToPath(new URL('./data/diseases.tsv', import.meta.url));

/**
 * Parses and closes a disease file's text.
 * @returns the closure, or the problems (each located "line N") when there are any.
 */
export function parseDiseaseFile(text: string): { closure: DiseaseClosure; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const entries: (DiseaseTermEntry & { line: number })[] = [];
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { delimiter: '\t', comment: '#', comment_no_infix: true, skip_empty_lines: true, relax_column_count: true, quote: false, bom: true, info: true }) as unknown as typeof rows;
  } catch (cause) {
    const line = (cause as { lines?: number }).lines;
    return { closure: buildDiseaseClosure([]), problems: [{ location: line === undefined ? 'file' : `line ${line}`, message: (cause as Error).message }] };
  }
  for (const { record, info } of rows) {
    const line = info.lines;
    const [rawId = '', label = '', parentText = ''] = record.map((c) => c.trim());
    const id = normalizeDiseaseId(rawId);
    if (id === undefined) {
      problems.push({ location: `line ${line}`, message: `"${rawId}" is not a term CURIE such as DOID:162` });
      continue;
    }
    if (label === '') problems.push({ location: `line ${line}`, message: `${id} has no label` });
    const parents: string[] = [];
    for (const p of parentText.split(/\s+/).filter((x) => x !== '')) {
      const pid = normalizeDiseaseId(p);
      if (pid === undefined) problems.push({ location: `line ${line}`, message: `parent "${p}" is not a term CURIE` });
      else parents.push(pid);
    }
    entries.push({ id, label, parents, line });
  }
  const closure = buildDiseaseClosure(entries);
  problems.push(...closure.problems.map((p) => ({ location: `line ${p.line}`, message: p.message })));
  if (entries.length === 0 && problems.length === 0) problems.push({ location: 'file', message: 'no disease terms in the file' });
  return { closure, problems };
}

/** Reads and parses a disease file. */
export async function readDiseaseFile(file: string): Promise<{ closure: DiseaseClosure; problems: ImportProblem[]; text: string }> {
  const text = await readFile(file, 'utf8');
  return { ...parseDiseaseFile(text), text };
}
