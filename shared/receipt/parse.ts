import { z } from 'zod';
import { NotariumError } from '../errors.ts';
import { RECEIPT_FORMAT, RECEIPT_VERSION, receiptSchema, type Receipt } from './schema.ts';

/**
 * Parses receipt JSON text.
 * @throws NotariumError('RECEIPT_INVALID') for non-JSON, another format, an unsupported
 *   version (named), or schema violations (listed).
 */
export function parseReceipt(text: string): Receipt {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotariumError('RECEIPT_INVALID', 'The receipt is not valid JSON.', { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== RECEIPT_FORMAT) {
    throw new NotariumError('RECEIPT_INVALID', `This is not a Notarium receipt (expected "format": "${RECEIPT_FORMAT}").`);
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== RECEIPT_VERSION) {
    throw new NotariumError('RECEIPT_INVALID', `Unsupported receipt version ${String(version)}; this Notarium reads version ${RECEIPT_VERSION}.`);
  }
  const parsed = receiptSchema.safeParse(raw);
  if (!parsed.success) {
    throw new NotariumError('RECEIPT_INVALID', `The receipt is malformed:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** Serializes a receipt as pretty JSON (2-space indent, trailing newline). */
export function serializeReceipt(receipt: Receipt): string {
  return `${JSON.stringify(receipt, null, 2)}\n`;
}
