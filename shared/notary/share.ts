/**
 * Sharing a dataset with a new age recipient (format version 1).
 *
 * The owner re-wraps each file's key for the recipient — a new age header per file,
 * never a re-encrypted payload, so payload CIDs never change — and puts those headers,
 * with the manifest, in one *share envelope*, age-encrypted to the recipient alone and
 * stored on IPFS. The recipient gets a *ticket* (not secret: CIDs and a summary) and
 * retrieves with their own identity. Header ‖ payload is a standard age file.
 */
import { z } from 'zod';
import { NotariumError } from '../errors.ts';

export const SHARE_ENVELOPE_FORMAT = 'notarium-share';
export const SHARE_TICKET_FORMAT = 'notarium-share-ticket';

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const cid = z.string().regex(/^b[a-z2-7]{20,}$/, 'expected a base32 CIDv1');

/** Decrypted content of a share envelope. `headers[i]` (base64) belongs to manifest.files[i]. */
export const shareEnvelopeSchema = z.strictObject({
  format: z.literal(SHARE_ENVELOPE_FORMAT),
  version: z.literal(1),
  root: bytes32,
  manifestDigest: bytes32,
  manifest: z.string().min(2),
  headers: z.array(z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/)),
  sharedBy: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  /** unix seconds */
  sharedAt: z.number().int().nonnegative(),
});
export type ShareEnvelope = z.infer<typeof shareEnvelopeSchema>;

/** What the recipient receives (by mail or chat): where the envelope is and what it holds. */
export const shareTicketSchema = z.strictObject({
  format: z.literal(SHARE_TICKET_FORMAT),
  version: z.literal(1),
  root: bytes32,
  title: z.string(),
  recipient: z.string().startsWith('age1'),
  envelope: z.strictObject({ headerCid: cid, payloadCid: cid }),
  summary: z.strictObject({ fileCount: z.number().int().nonnegative(), totalBytes: z.number().int().nonnegative() }),
});
export type ShareTicket = z.infer<typeof shareTicketSchema>;

/** Parses a share ticket or envelope; @throws NotariumError('INVALID_INPUT'). */
export function parseShareJson<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotariumError('INVALID_INPUT', `The ${what} is not valid JSON.`, { cause: e });
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new NotariumError('INVALID_INPUT', `The ${what} is malformed:\n${z.prettifyError(r.error)}`);
  return r.data;
}
