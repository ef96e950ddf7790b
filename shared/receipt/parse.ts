import { z } from 'zod';
import { NotariumError } from '../errors.ts';
import {
  RECEIPT_EXCERPT_KIND,
  RECEIPT_EXCERPT_VERSION,
  RECEIPT_FORMAT,
  RECEIPT_VERSION,
  receiptExcerptSchema,
  receiptSchema,
  type AnyReceipt,
  type Receipt,
  type ReceiptExcerpt,
} from './schema.ts';

/** Parses JSON and checks it claims to be a receipt; returns the raw object and its version. */
function readReceiptJson(text: string): { raw: object; version: unknown } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotariumError('RECEIPT_INVALID', 'The receipt is not valid JSON.', { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== RECEIPT_FORMAT) throw notAReceipt();
  return { raw, version: (raw as { version?: unknown }).version };
}

function validate<T>(schema: z.ZodType<T>, raw: object, version: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw malformed(parsed.error, version);
  return parsed.data;
}

/** RECEIPT_INVALID: the document does not say it is a receipt. */
export function notAReceipt(): NotariumError {
  return new NotariumError('RECEIPT_INVALID', `This is not a Notarium receipt (expected "format": "${RECEIPT_FORMAT}").`);
}

/** RECEIPT_INVALID naming an unsupported `version`. */
export function unsupportedVersion(version: unknown): NotariumError {
  return new NotariumError('RECEIPT_INVALID', `Unsupported receipt version ${String(version)}; this Notarium reads version ${RECEIPT_VERSION} (full receipt) and ${RECEIPT_EXCERPT_VERSION} (receipt excerpt).`);
}

/** RECEIPT_INVALID naming an unknown `kind` of a version 2 receipt. */
export function unknownExcerptKind(kind: unknown): NotariumError {
  return new NotariumError('RECEIPT_INVALID', `Unknown receipt kind ${JSON.stringify(kind)} in a version ${RECEIPT_EXCERPT_VERSION} receipt; this Notarium reads "${RECEIPT_EXCERPT_KIND}".`);
}

/** RECEIPT_INVALID listing zod's issues, for a receipt of `version` (1: full receipt, 2: excerpt). */
export function malformed(error: z.ZodError | undefined, version: unknown): NotariumError {
  const what = version === RECEIPT_EXCERPT_VERSION ? 'receipt excerpt' : 'receipt';
  return new NotariumError('RECEIPT_INVALID', `The ${what} is malformed:\n${error === undefined ? 'invalid' : z.prettifyError(error)}`);
}

/**
 * Parses the text of a full receipt (version 1).
 * @throws NotariumError('RECEIPT_INVALID') for non-JSON, another format, a receipt
 *   excerpt (which lacks the manifest and most files: named as such), an unsupported
 *   version (named), or schema violations (listed).
 */
export function parseReceipt(text: string): Receipt {
  const { raw, version } = readReceiptJson(text);
  if (version === RECEIPT_EXCERPT_VERSION) {
    throw new NotariumError('RECEIPT_INVALID', 'This is a receipt excerpt: it proves single files but holds neither the manifest nor the other files. Give the full receipt of the dataset.');
  }
  if (version !== RECEIPT_VERSION) throw unsupportedVersion(version);
  return validate(receiptSchema, raw, version);
}

/**
 * Parses the text of a receipt excerpt (version 2, kind "excerpt"; docs/RECEIPT.md §6).
 * @throws NotariumError('RECEIPT_INVALID') for non-JSON, another format, a version or
 *   kind other than the excerpt's, or schema violations (listed).
 */
export function parseReceiptExcerpt(text: string): ReceiptExcerpt {
  const { raw, version } = readReceiptJson(text);
  if (version !== RECEIPT_EXCERPT_VERSION || (raw as { kind?: unknown }).kind !== RECEIPT_EXCERPT_KIND) {
    throw new NotariumError('RECEIPT_INVALID', `This is not a receipt excerpt (expected "version": ${RECEIPT_EXCERPT_VERSION}, "kind": "${RECEIPT_EXCERPT_KIND}").`);
  }
  return validate(receiptExcerptSchema, raw, version);
}

/**
 * Parses a full receipt (version 1) or a receipt excerpt (version 2): what a verifier
 * accepts. Tell them apart with `isReceiptExcerpt`.
 * @throws NotariumError('RECEIPT_INVALID') as parseReceipt and parseReceiptExcerpt.
 */
export function parseAnyReceipt(text: string): AnyReceipt {
  const { raw, version } = readReceiptJson(text);
  if (version === RECEIPT_VERSION) return validate(receiptSchema, raw, version);
  if (version === RECEIPT_EXCERPT_VERSION) {
    if ((raw as { kind?: unknown }).kind !== RECEIPT_EXCERPT_KIND) throw unknownExcerptKind((raw as { kind?: unknown }).kind);
    return validate(receiptExcerptSchema, raw, version);
  }
  throw unsupportedVersion(version);
}

/** Serializes a receipt or an excerpt as pretty JSON (2-space indent, trailing newline). */
export function serializeReceipt(receipt: AnyReceipt): string {
  return `${JSON.stringify(receipt, null, 2)}\n`;
}
