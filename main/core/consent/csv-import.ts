/**
 * Consent records from CSV (docs/CONSENT.md §5.1). One row per consent record, a header
 * row naming the columns (any order; comma, or tab for .tsv):
 *
 *   subject_id*, permission*, given_date*, diseases, modifiers, valid_from, valid_until,
 *   status, withdrawn_date, withdrawal_scope, form_version, document_sha256, record_id, supersedes
 *
 * Rows of one subject are applied in file order (a later row supersedes an earlier one).
 * Every problem is reported with its line and column; a file with any problem imports nothing.
 */
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';

import { consentScopeSchema, splitDiseases, splitModifiers, type ConsentScope } from '../../../shared/consent/scope.ts';
import { consentRecordWithScopeSchema, zodProblems, type ImportProblem, type NewConsentRecord } from './record.ts';

export const CSV_COLUMNS = [
  'subject_id',
  'permission',
  'given_date',
  'diseases',
  'modifiers',
  'valid_from',
  'valid_until',
  'status',
  'withdrawn_date',
  'withdrawal_scope',
  'form_version',
  'document_sha256',
  'record_id',
  'supersedes',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['subject_id', 'permission', 'given_date'];

const FIELD_COLUMN: Record<string, Column> = {
  id: 'record_id',
  subjectId: 'subject_id',
  status: 'status',
  givenDate: 'given_date',
  validFrom: 'valid_from',
  validUntil: 'valid_until',
  withdrawnDate: 'withdrawn_date',
  withdrawalScope: 'withdrawal_scope',
  formVersion: 'form_version',
  documentSha256: 'document_sha256',
  supersedes: 'supersedes',
  permission: 'permission',
  diseases: 'diseases',
  modifiers: 'modifiers',
};

function columnOf(path: readonly PropertyKey[]): string {
  const key = path[0] === 'scope' ? path[1] : path[0];
  return `column ${FIELD_COLUMN[String(key)] ?? String(key ?? '')}`;
}

export interface CsvImportResult {
  records: NewConsentRecord[];
  problems: ImportProblem[];
}

/** Parses consent CSV text into records, or problems located "line N, column c". */
export function parseConsentCsv(text: string, delimiter = ','): CsvImportResult {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, delimiter, skip_empty_lines: true, info: true, trim: true }) as unknown as typeof rows;
  } catch (cause) {
    const line = (cause as { lines?: number }).lines;
    return { records: [], problems: [{ location: line === undefined ? 'file' : `line ${line}`, message: (cause as Error).message }] };
  }
  const [head, ...body] = rows;
  if (head === undefined) return { records: [], problems: [{ location: 'file', message: 'empty file: expected a header row' }] };
  const problems: ImportProblem[] = [];
  const index = new Map<Column, number>();
  head.record.forEach((name, i) => {
    const col = name.trim().toLowerCase() as Column;
    if (!(CSV_COLUMNS as readonly string[]).includes(col)) problems.push({ location: `line ${head.info.lines}, column ${i + 1}`, message: `unknown column "${name}" (known: ${CSV_COLUMNS.join(', ')})` });
    else if (index.has(col)) problems.push({ location: `line ${head.info.lines}, column ${i + 1}`, message: `column ${col} appears twice` });
    else index.set(col, i);
  });
  for (const c of REQUIRED) if (!index.has(c)) problems.push({ location: `line ${head.info.lines}`, message: `missing required column ${c}` });
  if (problems.length > 0) return { records: [], problems };

  const get = (r: string[], c: Column): string | undefined => {
    const i = index.get(c);
    const v = i === undefined ? undefined : r[i];
    return v === undefined || v === '' ? undefined : v;
  };
  const records: NewConsentRecord[] = [];
  const scopes = new Map<string, { scope?: ConsentScope; error?: z.ZodError }>();
  for (const { record: r, info } of body) {
    const where = `line ${info.lines}`;
    const permission = get(r, 'permission') ?? '';
    const diseases = get(r, 'diseases') ?? '';
    const modifiers = get(r, 'modifiers') ?? '';
    const key = `${permission}\u0000${diseases}\u0000${modifiers}`;
    let scope = scopes.get(key);
    if (scope === undefined) {
      const p = consentScopeSchema.safeParse({ permission, diseases: splitDiseases(diseases), modifiers: splitModifiers(modifiers) });
      scopes.set(key, (scope = p.success ? { scope: p.data } : { error: p.error }));
    }
    if (scope.error !== undefined) problems.push(...zodProblems(scope.error, where, (p) => columnOf(['scope', ...p])));
    const input: Record<string, unknown> = { subjectId: get(r, 'subject_id') ?? '', scope: scope.scope ?? {}, givenDate: get(r, 'given_date') ?? '' };
    const opt: [string, Column][] = [
      ['id', 'record_id'],
      ['status', 'status'],
      ['validFrom', 'valid_from'],
      ['validUntil', 'valid_until'],
      ['withdrawnDate', 'withdrawn_date'],
      ['withdrawalScope', 'withdrawal_scope'],
      ['formVersion', 'form_version'],
      ['documentSha256', 'document_sha256'],
      ['supersedes', 'supersedes'],
    ];
    for (const [field, col] of opt) {
      const v = get(r, col);
      if (v !== undefined) input[field] = v;
    }
    const parsed = consentRecordWithScopeSchema.safeParse(input);
    if (parsed.success) {
      if (scope.scope !== undefined) records.push(parsed.data);
    } else {
      problems.push(...zodProblems(parsed.error, where, columnOf).filter((p) => !p.location.endsWith('column scope')));
    }
  }
  if (body.length === 0) problems.push({ location: 'file', message: 'no consent rows after the header' });
  return problems.length > 0 ? { records: [], problems } : { records, problems };
}
