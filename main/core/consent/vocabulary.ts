/**
 * The DUO term list shipped in data/duo.csv (EBISPOT/DUO, CC BY 4.0; see data/README.md):
 * labels and descriptions for display and FHIR export. The codes the rules use are in
 * shared/consent/duo.ts; a test keeps both equal.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { parse } from 'csv-parse/sync';

import { NotariumError } from '../../../shared/errors.ts';

export interface DuoVocabularyEntry {
  /** CURIE, e.g. "DUO:0000042". */
  id: string;
  /** Shorthand such as "GRU"; empty for the two class roots. */
  shorthand: string;
  label: string;
  description: string;
}

/** Path of the bundled DUO term list. */
export const DUO_CSV = fileURLToPath(new URL('./data/duo.csv', import.meta.url));

let cached: DuoVocabularyEntry[] | undefined;

/**
 * Reads a DUO term CSV (columns id, shorthand, label, description); default the bundled one.
 * @throws NotariumError('INTERNAL') when the file is missing or malformed.
 */
export function loadDuoVocabulary(file: string = DUO_CSV): DuoVocabularyEntry[] {
  if (file === DUO_CSV && cached !== undefined) return cached;
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(file, 'utf8'), { columns: true, bom: true, skip_empty_lines: true, trim: true });
  } catch (cause) {
    throw new NotariumError('INTERNAL', `Cannot read the DUO term list ${file}: ${(cause as Error).message}`, { cause });
  }
  const out = rows.map((r) => ({ id: r['id'] ?? '', shorthand: r['shorthand'] ?? '', label: r['label'] ?? '', description: r['description'] ?? '' }));
  if (out.some((e) => !/^DUO:\d{7}$/.test(e.id) || e.label === '')) throw new NotariumError('INTERNAL', `The DUO term list ${file} has a row without an id or label.`);
  if (file === DUO_CSV) cached = out;
  return out;
}

/** The vocabulary entry of a DUO id, from the bundled list. */
export function duoEntry(id: string): DuoVocabularyEntry | undefined {
  return loadDuoVocabulary().find((e) => e.id === id);
}
