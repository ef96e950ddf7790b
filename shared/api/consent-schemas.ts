/**
 * Request schemas of the consent operations (docs/CONSENT.md), shared by the CLI, the
 * desktop app's IPC handlers and ConsentService itself: input is parsed here, at the
 * boundary, before anything is read or written. Parse with `parseRequest` (schemas.ts).
 */
import { z } from 'zod';

import { CONSENT_STATUSES, WITHDRAWAL_SCOPES } from '../consent/subject.ts';
import { isoDateSchema } from '../consent/dates.ts';
import { overrideSchema, useRequestSchema } from '../consent/use-request.ts';

export { overrideSchema, useRequestSchema } from '../consent/use-request.ts';
export type { UseOverride, UseRequest, UseRequestInput } from '../consent/use-request.ts';

/** A pseudonymous data-subject id: never a name, e-mail or record number that identifies a person. */
export const subjectIdSchema = z
  .string()
  .trim()
  .min(1, 'empty subject id')
  .max(200, 'subject ids are at most 200 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'subject ids may not contain control characters');

/** A dataset id (UUID) or Merkle root from the ledger. */
export const datasetRefSchema = z.string().trim().min(1, 'give a dataset id or root').max(100);

const filePath = z.string().min(1, 'give a file path');

export const consentImportRequestSchema = z.strictObject({
  file: filePath,
  /** csv: consent rows; fhir: a FHIR R4 Consent or Bundle (JSON); diseases: a disease hierarchy TSV. Default: by extension. */
  format: z.enum(['csv', 'fhir', 'diseases']).optional(),
});
export type ConsentImportRequest = z.input<typeof consentImportRequestSchema>;

export const consentLinkRequestSchema = z
  .strictObject({
    datasetId: datasetRefSchema,
    subjects: z.array(subjectIdSchema).max(10_000_000).optional(),
    /** A text file with one subject id per line. */
    subjectsFile: filePath.optional(),
    /** A CSV file and the column holding the subject ids. */
    csv: z.strictObject({ file: filePath, column: z.string().min(1, 'name the subject id column') }).optional(),
    /** A VCF file (plain or gzip): its sample ids are the subjects. */
    vcf: z.strictObject({ file: filePath }).optional(),
  })
  .refine((r) => [r.subjects, r.subjectsFile, r.csv, r.vcf].filter((x) => x !== undefined).length === 1, 'give exactly one subject source: subjects, subjectsFile, csv or vcf');
export type ConsentLinkRequest = z.input<typeof consentLinkRequestSchema>;

export const consentListRequestSchema = z.strictObject({
  /** Effective status today (expired and not-yet-valid are derived from the validity dates). */
  status: z.enum([...CONSENT_STATUSES, 'not-yet-valid']).optional(),
  /** A DUO shorthand or id, or a disease CURIE, that the scope must contain. */
  term: z.string().trim().min(1).max(100).optional(),
  subjectId: subjectIdSchema.optional(),
  datasetId: datasetRefSchema.optional(),
  /** Include superseded records (the full history), not only each subject's current one. */
  history: z.boolean().default(false),
  limit: z.number().int().min(1).max(1_000_000).default(1000),
  offset: z.number().int().min(0).default(0),
});
export type ConsentListRequest = z.input<typeof consentListRequestSchema>;

export const consentCheckRequestSchema = z.strictObject({
  datasetId: datasetRefSchema,
  request: useRequestSchema,
});
export type ConsentCheckRequest = z.input<typeof consentCheckRequestSchema>;

export const consentSubsetRequestSchema = z
  .strictObject({
    datasetId: datasetRefSchema,
    request: useRequestSchema,
    format: z.enum(['csv', 'vcf']),
    /** The dataset's file to filter (must be one of the notarized files). */
    input: filePath,
    /** CSV only: the column holding the subject ids. */
    column: z.string().min(1).optional(),
    /** Where to write the subset; must not exist. */
    out: filePath,
    /** Notarize the subset as a new dataset linked to its parent (needs the passphrase). */
    notarize: z.boolean().default(false),
    title: z.string().trim().min(1).max(500).optional(),
  })
  .refine((r) => r.format !== 'csv' || r.column !== undefined, { message: 'name the subject id column of the CSV', path: ['column'] });
export type ConsentSubsetRequest = z.input<typeof consentSubsetRequestSchema>;

export const consentWithdrawRequestSchema = z.strictObject({
  subjectId: subjectIdSchema,
  /** Date the withdrawal takes effect, YYYY-MM-DD; default today. */
  date: isoDateSchema.optional(),
  scope: z.enum(WITHDRAWAL_SCOPES).default('no-further-use'),
  /** Free text for the audit log (never the subject's identity). */
  note: z.string().trim().max(2000).optional(),
});
export type ConsentWithdrawRequest = z.input<typeof consentWithdrawRequestSchema>;

export const consentExportRequestSchema = z.strictObject({
  /** Write the FHIR Bundle here (must not exist); default: return it. */
  out: filePath.optional(),
  /** Only these subjects' records (all history); default all. */
  subjects: z.array(subjectIdSchema).optional(),
});
export type ConsentExportRequest = z.input<typeof consentExportRequestSchema>;

export const consentGateRequestSchema = z.strictObject({
  datasetId: datasetRefSchema,
  request: useRequestSchema,
  override: overrideSchema.optional(),
  /** Which action asks: retrieve, share, export. */
  gate: z.enum(['retrieve', 'share', 'export']),
});
export type ConsentGateRequest = z.input<typeof consentGateRequestSchema>;

/** A page of the audit log, newest first. */
export const consentLogEntriesRequestSchema = z.strictObject({
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
});
export type ConsentLogEntriesRequest = z.input<typeof consentLogEntriesRequestSchema>;
